using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace AopsGen.Analyzers.Tests;

/// <summary>An expected diagnostic: its ID and span in the markup-free text.</summary>
internal readonly record struct MarkedSpan(string Id, TextSpan Span);

/// <summary>
/// A source with expected diagnostics marked <c>{|AOPS003:ReadPage|}</c>: the ID, then the exact text the diagnostic
/// covers; <c>{|AOPS002,AOPS003:ReadPage|}</c> expects two on the same span. Marks do not nest.
/// </summary>
internal sealed record Markup(string Source, ImmutableArray<MarkedSpan> Spans)
{
    public static Markup Parse(string markup)
    {
        var text = new StringBuilder();
        var spans = ImmutableArray.CreateBuilder<MarkedSpan>();
        int i = 0;
        while (i < markup.Length)
        {
            int open = markup.IndexOf("{|", i, StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(markup, i, markup.Length - i);
                break;
            }
            text.Append(markup, i, open - i);
            int colon = markup.IndexOf(':', open);
            int close = markup.IndexOf("|}", open, StringComparison.Ordinal);
            if (colon < 0 || close < 0 || colon > close)
            {
                throw new FormatException("bad markup at " + open);
            }
            string covered = markup.Substring(colon + 1, close - colon - 1);
            foreach (string id in markup.Substring(open + 2, colon - open - 2).Split(','))
            {
                spans.Add(new MarkedSpan(id.Trim(), new TextSpan(text.Length, covered.Length)));
            }
            text.Append(covered);
            i = close + 2;
        }
        return new Markup(text.ToString(), spans.ToImmutable());
    }

    /// <summary>The text without marks.</summary>
    public static string Strip(string markup) => Parse(markup).Source;

    public IEnumerable<string> Ids
    {
        get
        {
            foreach (MarkedSpan span in Spans)
            {
                yield return span.Id;
            }
        }
    }
}
