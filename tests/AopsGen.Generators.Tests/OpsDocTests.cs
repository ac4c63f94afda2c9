using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using AopsGen.Generators.Tests.Snapshots;
using Xunit;
using IOFile = System.IO.File;

namespace AopsGen.Generators.Tests;

/// <summary>docs/ops.md's table of the ops is the op catalog's: written from it, never by hand.</summary>
public sealed class OpsDocTests
{
    private const string Begin = "| op | attribute |";
    private const string End = "\n<!-- end of the generated table -->";

    [Fact]
    public void Ops_table_in_docs_is_the_catalog()
    {
        string path = Path.Combine(ProjectDirectory(), "..", "..", "docs", "ops.md");
        string doc = IOFile.ReadAllText(path).Replace("\r\n", "\n");
        int begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        int end = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{path} has no table between '{Begin}' and '{End}'");

        string expected = Table();
        string actual = doc[begin..end];
        if (actual != expected && Environment.GetEnvironmentVariable(Snapshot.AcceptVariable) == "1")
        {
            IOFile.WriteAllText(path, doc[..begin] + expected + doc[end..]);
            actual = expected;
        }
        Assert.True(actual == expected,
            $"{path}'s op table differs from OpCatalog (rerun with {Snapshot.AcceptVariable}=1 to rewrite it):\n" + Snapshot.UnifiedDiff(actual, expected));
    }

    /// <summary>One row per op, in table order: kernel name, attribute, C# signature, kernel prototype, NULL default.</summary>
    private static string Table()
    {
        var table = new StringBuilder();
        table.Append("| op | attribute | C# signature | Linux prototype | when NULL |\n");
        table.Append("|---|---|---|---|---|\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            table.Append($"| `{op.KernelName}` | `[{op.Name}]` | `{op.DisplaySignature}` | `{op.KernelPrototype}` | {op.NullDefault} |\n");
        }
        return table.ToString();
    }

    private static string ProjectDirectory()
        => typeof(OpsDocTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AopsGen.Tests.ProjectDirectory").Value!;
}
