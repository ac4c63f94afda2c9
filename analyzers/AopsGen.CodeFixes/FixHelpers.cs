using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AopsGen.CodeFixes;

/// <summary>Finding the syntax a diagnostic points at.</summary>
internal static class FixHelpers
{
    /// <summary>The innermost <typeparamref name="T"/> around the start of <paramref name="span"/>, or null.</summary>
    public static async Task<T?> FindAsync<T>(Document document, TextSpan span, CancellationToken cancellationToken)
        where T : SyntaxNode
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root?.FindToken(span.Start).Parent?.AncestorsAndSelf().OfType<T>().FirstOrDefault();
    }
}
