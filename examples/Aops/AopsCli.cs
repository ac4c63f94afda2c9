using System.CommandLine;
using System.IO;
using AopsGen.Examples.Aops.Commands;

namespace AopsGen.Examples.Aops;

/// <summary>Where a command writes, and whether a person is watching (a progress bar only then).</summary>
internal sealed record CliContext(TextWriter Output, TextWriter Error, bool Interactive)
{
    /// <summary>Prints <c>aops NAME: message</c> on stderr and returns exit code 1.</summary>
    public int Fail(string command, string message)
    {
        Error.WriteLine($"aops {command}: {message}");
        return 1;
    }
}

/// <summary>The <c>aops</c> command line: <c>mkswap</c>, <c>inspect</c>, <c>ops</c> and <c>demo</c>.</summary>
internal static class AopsCli
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code (0, 1 on an error, 2 when
    /// the demo found a page it did not write).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive)
    {
        var context = new CliContext(output, error, interactive);
        var root = new RootCommand("AopsGen's address_space_operations, swap core and example filesystems, from the command line.")
        {
            MkswapCommand.Create(context),
            InspectCommand.Create(context),
            OpsCommand.Create(context),
            DemoCommand.Create(context),
            MountCommand.Create(context),
        };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>"No such file or directory (ENOENT)".</summary>
    public static string Describe(Errno errno) => $"{errno.Message()} ({errno})";
}
