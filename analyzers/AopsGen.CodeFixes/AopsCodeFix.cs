using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace AopsGen.CodeFixes;

/// <summary>
/// The registration every AOPS code fix shares: for each diagnostic, the innermost <typeparamref name="TNode"/> at its
/// location; where the fix is offered there (<see cref="Title"/> is not null and <see cref="IsOfferedAsync"/> agrees), one
/// code action whose equivalence key is the fix's type name, so that fix-all batches them.
/// </summary>
/// <typeparam name="TNode">The syntax the fix rewrites (a method, a type declaration, the file for a project-wide fix).</typeparam>
public abstract class AopsCodeFix<TNode> : CodeFixProvider
    where TNode : SyntaxNode
{
    /// <param name="rule">The diagnostic the fix is for.</param>
    protected AopsCodeFix(DiagnosticDescriptor rule) => FixableDiagnosticIds = ImmutableArray.Create(rule.Id);

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        Document document = context.Document;
        SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            TNode? node = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TNode>().FirstOrDefault();
            if (node is null || Title(node, diagnostic) is not string title
                || !await IsOfferedAsync(document, node, context.CancellationToken).ConfigureAwait(false))
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => FixAsync(document, node, diagnostic, cancellationToken), equivalenceKey: GetType().Name),
                diagnostic);
        }
    }

    /// <summary>The code action's title for <paramref name="node"/>, or null where the fix does not apply to it.</summary>
    protected abstract string? Title(TNode node, Diagnostic diagnostic);

    /// <summary>A check that needs the semantic model, made after <see cref="Title"/>; offered by default.</summary>
    protected virtual Task<bool> IsOfferedAsync(Document document, TNode node, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>The solution with the fix made.</summary>
    protected abstract Task<Solution> FixAsync(Document document, TNode node, Diagnostic diagnostic, CancellationToken cancellationToken);
}
