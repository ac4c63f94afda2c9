using System.CommandLine;

namespace AopsGen.Examples.Aops.Commands;

/// <summary><c>aops ops</c>: each example filesystem's generated table — which ops are set, and the NULL default
/// the kernel applies to the others.</summary>
internal static class OpsCommand
{
    /// <summary>The example filesystems' tables, by the name <c>--fs</c> takes.</summary>
    public static readonly (string Fs, AddressSpaceOperations Table)[] Tables =
    [
        ("ram", RamFs.Operations),
        ("ram-swaprw", RamFsSwapRw.Operations),
        ("block", BlockFs.Operations),
        ("host", HostFs.Operations),
        ("nfs", NfsFs.Operations),
    ];

    public static Command Create(CliContext context)
    {
        var command = new Command("ops", "Print each example filesystem's address_space_operations: set, or the default that applies.");
        command.SetAction(_ =>
        {
            foreach ((string fs, AddressSpaceOperations table) in Tables)
            {
                context.Output.WriteLine($"--fs {fs}: {table}");
                context.Output.Write(table.Describe());
                context.Output.WriteLine();
            }
            return 0;
        });
        return command;
    }
}
