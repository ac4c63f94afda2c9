using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using AopsGen.Examples.Aops.Commands;

namespace AopsGen.Examples.Aops;

/// <summary>Where a command writes, and whether a person is watching (a progress bar only then).</summary>
internal sealed record CliContext(TextWriter Output, TextWriter Error, bool Interactive)
{
    /// <summary>Set by a command run with <c>--json</c> (or <c>-o json</c>): a failure then also prints one JSON
    /// object on stdout, so that a script reading it always gets one (see <see cref="JsonError"/>).</summary>
    public bool Json { get; set; }

    /// <summary>Prints <c>aops NAME: message</c> on stderr (and with <see cref="Json"/> its JSON object on stdout) and
    /// returns exit code 1.</summary>
    public int Fail(string command, string message)
    {
        Error.WriteLine($"aops {command}: {message}");
        if (Json)
        {
            Output.WriteLine(JsonError(message));
        }
        return ExitCodes.Failure;
    }

    /// <summary><c>{"error":"cannot open F: No such file or directory","errno":"ENOENT"}</c>: the message, and its
    /// trailing "(ERRNO)" as a field of its own (null when it has none, as a usage error).</summary>
    public static string JsonError(string message)
    {
        int open = message.LastIndexOf(" (E", StringComparison.Ordinal);
        string? errno = open >= 0 && message.EndsWith(')') && message[(open + 2)..^1].All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            ? message[(open + 2)..^1] : null;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("error", errno == null ? message : message[..open]);
            json.WriteString("errno", errno);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Prints <c>aops NAME: what: strerror (ERRNO)</c> on stderr and returns exit code 1.</summary>
    public int Fail(string command, string what, Errno errno) => Fail(command, $"{what}: {AopsCli.Describe(errno)}");

    /// <summary>Prints <c>aops NAME: warning</c> on stderr.</summary>
    public void Warn(string command, string warning) => Error.WriteLine($"aops {command}: {warning}");
}

/// <summary>The exit codes the README documents.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>An error: a bad argument, a file that is not what it must be, a failed system call.</summary>
    public const int Failure = 1;
    /// <summary><c>aops demo</c> found a page it did not write, or something left behind.</summary>
    public const int NotVerified = 2;
    /// <summary>128 + the signal: SIGINT 130, SIGTERM 143, after everything made was removed.</summary>
    public const int SignalBase = 128;

    /// <summary>The exit codes as <c>aops --help</c> lists them (util-linux's man pages' EXIT STATUS).</summary>
    public const string Help = """
        Exit status:
          0    success (aops mount: also after SIGINT/SIGTERM, which unmount it)
          1    an error: one line on stderr, "aops CMD: what: reason (ERRNO)"; a usage error adds "Try 'aops CMD --help'"
          2    aops demo found a page it did not write, or something left behind
          130  aops demo stopped by SIGINT (143: SIGTERM), after swapping off and removing what it made
        """;
}

/// <summary>The <c>aops</c> command line: <c>mkswap</c>, <c>inspect</c>, <c>ops</c> and <c>demo</c>.</summary>
internal static class AopsCli
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code (<see cref="ExitCodes"/>).
    /// Nothing escapes as an exception: a parse error is one line and util-linux's "Try …" hint on stderr, any other
    /// failure one line <c>aops CMD: what: reason (ERRNO)</c>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive)
    {
        var context = new CliContext(new CheckedWriter(output), error, interactive);
        var root = new RootCommand("AopsGen's address_space_operations, swap core and example filesystems, from the command line.\n\n" + ExitCodes.Help)
        {
            MkswapCommand.Create(context),
            InspectCommand.Create(context),
            OpsCommand.Create(context),
            DemoCommand.Create(context),
            MountCommand.Create(context),
        };
        string name = args.FirstOrDefault(a => root.Subcommands.Any(c => c.Name == a)) ?? "";
        try
        {
            ParseResult parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                return UsageError(context, parse);
            }
            // getopt's manners: "--bogus" where FILE goes is an unknown option, not a file name (say ./--bogus for that).
            if (parse.CommandResult.Command is not RootCommand && parse.CommandResult.Children.OfType<ArgumentResult>()
                    .SelectMany(a => a.Tokens).FirstOrDefault(t => t.Value.Length > 1 && t.Value[0] == '-') is { } option)
            {
                context.Error.WriteLine($"aops {parse.CommandResult.Command.Name}: unrecognized option '{option.Value}'");
                context.Error.WriteLine($"Try 'aops {parse.CommandResult.Command.Name} --help' for more information.");
                return ExitCodes.Failure;
            }
            int rc = parse.Invoke(new InvocationConfiguration
            {
                Output = context.Output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // The demo registers SIGINT/SIGTERM itself: it must swap off and remove its files first.
                ProcessTerminationTimeout = null,
            });
            context.Output.Flush();
            return rc;
        }
        catch (Exception e)
        {
            return Unexpected(context, name, e);
        }
    }

    /// <summary>util-linux: "mkswap: unrecognized option '--bogus'" and "Try 'mkswap --help' for more information.",
    /// both on stderr; nothing on stdout.</summary>
    private static int UsageError(CliContext context, ParseResult parse)
    {
        string command = parse.CommandResult.Command is RootCommand ? "aops" : $"aops {parse.CommandResult.Command.Name}";
        // The error that names a token first; System.CommandLine's list of choices on one line.
        ParseError first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        string message = string.Join(' ', first.Message.Split('\n').Select(l => l.Trim())).Replace("' '", "', '", StringComparison.Ordinal).TrimEnd('.');
        // "Cannot parse argument 'abc' for option '--pages' as expected type 'System.Int32'": util-linux's words
        // (strtox_or_err's "invalid … argument"), not a .NET type name.
        if (Regex.Match(message, "^Cannot parse argument '(.*)' for option '(.*)' as expected type '.*'$") is { Success: true } unparsed)
        {
            message = $"invalid {unparsed.Groups[2].Value} argument: '{unparsed.Groups[1].Value}'";
        }
        context.Error.WriteLine($"{command}: {message}");
        context.Error.WriteLine($"Try '{command} --help' for more information.");
        if (parse.CommandResult.Command.Options.Any(o => o.Name == "--json") && parse.Tokens.Any(t => t.Value == "--json"))
        {
            context.Output.WriteLine(CliContext.JsonError(message));
        }
        return ExitCodes.Failure;
    }

    /// <summary>The one place an exception becomes a message: what failed, the reason, the errno.</summary>
    private static int Unexpected(CliContext context, string command, Exception e)
    {
        string prefix = command.Length == 0 ? "aops" : $"aops {command}";
        string line = e switch
        {
            OutputException o => $"write error: {Describe(o.Errno)}",
            DllNotFoundException d when d.Message.Contains("nfs", StringComparison.OrdinalIgnoreCase) =>
                $"cannot load libnfs (libnfs.so.13): install the Debian package libnfs13 (apt-get install libnfs13): {Describe(Errno.ENOENT)}",
            DllNotFoundException d => $"cannot load a native library: {d.Message}: {Describe(Errno.ENOENT)}",
            OutOfMemoryException or InsufficientMemoryException => $"out of memory: {Describe(Errno.ENOMEM)}",
            UnauthorizedAccessException u => $"{u.Message}: {Describe(Errno.EACCES)}",
            IOException io => $"{io.Message}: {Describe(ErrnoOf(io))}",
            _ => $"internal error: {e.GetType().Name}: {e.Message}: {Describe(Errno.EIO)}",
        };
        try
        {
            context.Error.WriteLine($"{prefix}: {line}");
        }
        catch (IOException)
        {
            // stderr itself is gone: the exit code is all that is left.
        }
        return ExitCodes.Failure;
    }

    /// <summary>On Linux, .NET carries the errno of an unmapped I/O failure in HResult.</summary>
    public static Errno ErrnoOf(IOException e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
        _ when e.HResult is > 0 and < 4096 => (Errno)e.HResult,
        _ => Errno.EIO,
    };

    /// <summary>"No such file or directory (ENOENT)".</summary>
    public static string Describe(Errno errno) => $"{errno.Message()} ({errno})";

    /// <summary>"No such file or directory (ENOENT)" for a negative return value.</summary>
    public static string Describe(int negativeErrno) => Describe(Errnos.FromReturn(negativeErrno));
}

/// <summary>Standard output failed (a full disk, a closed descriptor): util-linux's <c>close_stdout</c> "write error".</summary>
internal sealed class OutputException(Errno errno, Exception inner) : IOException(errno.Message(), inner)
{
    public Errno Errno { get; } = errno;
}

/// <summary>A writer that turns a failed write to standard output into an <see cref="OutputException"/>, so the
/// top-level handler can say "write error" with the errno instead of a stack trace.</summary>
internal sealed class CheckedWriter(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void Flush() => Guard(inner.Flush);

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException e) when (e is not OutputException)
        {
            throw new OutputException(AopsCli.ErrnoOf(e), e);
        }
        catch (UnauthorizedAccessException e)
        {
            // .NET turns write(2)'s EBADF (a closed stdout: "aops ops >&-") and EPERM into this, without the errno;
            // its P/Invoke left the errno behind.
            int errno = Marshal.GetLastPInvokeError();
            throw new OutputException(errno is > 0 and < 4096 ? (Errno)errno : Errno.EBADF, e);
        }
    }
}
