using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary><see cref="TokenScan"/> finds exactly the tokens a walk of the syntax finds, wherever its text windows split the file.</summary>
public sealed class TokenScanTests
{
    [Theory]
    [InlineData(SyntaxKind.ThrowKeyword)]
    [InlineData(SyntaxKind.OpenBracketToken)]
    public void Finds_the_tokens_a_syntax_walk_finds_across_window_boundaries(SyntaxKind kind)
    {
        // Statements of every length from 1 to 40 characters of padding shift the words across each 4,096-character window
        // boundary; comments, strings and @throw hold the word's text without the token.
        var source = new StringBuilder("class C\n{\n    int[] a = new int[2];\n    void M(bool b)\n    {\n");
        for (int i = 0; source.Length < 5 * TokenScan.WindowLength; i++)
        {
            string padding = new string(' ', i % 40);
            source.Append(padding).Append("if (b) throw new System.Exception(\"throw [x]\"); // throw [y]\n");
            source.Append(padding).Append("var @throw = a[").Append(i % 2).Append("]; /* [throw] */\n");
            source.Append(padding).Append("[System.Obsolete] void L").Append(i).Append("() { }\n");
        }
        source.Append("    }\n}\n");
        SyntaxNode root = CSharpSyntaxTree.ParseText(source.ToString(), cancellationToken: TestContext.Current.CancellationToken).GetRoot(TestContext.Current.CancellationToken);

        var found = new List<SyntaxToken>();
        TokenScan.Find(root, kind, found, TestContext.Current.CancellationToken);

        int[] expected = root.DescendantTokens().Where(t => t.IsKind(kind)).Select(t => t.SpanStart).ToArray();
        Assert.True(expected.Length > 100);
        Assert.Equal(expected, found.Select(t => t.SpanStart).ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Finds_a_word_split_between_two_windows(int charactersInTheFirstWindow)
    {
        const string Prefix = "class C { void M() { /*";
        const string Suffix = "*/ ";
        int throwAt = TokenScan.WindowLength - charactersInTheFirstWindow;
        string source = Prefix + new string('x', throwAt - Prefix.Length - Suffix.Length) + Suffix + "throw null; } }";
        SyntaxNode root = CSharpSyntaxTree.ParseText(source, cancellationToken: TestContext.Current.CancellationToken).GetRoot(TestContext.Current.CancellationToken);

        var found = new List<SyntaxToken>();
        TokenScan.Find(root, SyntaxKind.ThrowKeyword, found, TestContext.Current.CancellationToken);

        Assert.Equal(throwAt, Assert.Single(found).SpanStart);
    }

    [Fact]
    public void Looks_only_inside_the_node()
    {
        SyntaxNode root = CSharpSyntaxTree.ParseText("class C { void A() { throw null; } void B() { throw null; } }", cancellationToken: TestContext.Current.CancellationToken).GetRoot(TestContext.Current.CancellationToken);
        SyntaxNode b = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Last();

        var found = new List<SyntaxToken>();
        TokenScan.Find(b, SyntaxKind.ThrowKeyword, found, TestContext.Current.CancellationToken);

        Assert.Equal(b.DescendantTokens().Single(t => t.IsKind(SyntaxKind.ThrowKeyword)).SpanStart, Assert.Single(found).SpanStart);
    }
}
