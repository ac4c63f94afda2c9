using System.IO;
using System.Linq;
using AopsGen.Swap.Tests;
using Xunit;

namespace AopsGen.Examples.Aops.Tests;

/// <summary><c>aops mkswap</c> and <c>aops inspect</c>: util-linux's header byte for byte, the kernel's answers to
/// bad ones.</summary>
public sealed class MkswapAndInspectTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    [Trait("Requires", "util-linux")]
    public void Mkswap_writes_the_header_page_util_linux_writes_for_the_same_label_and_uuid()
    {
        const string Uuid = "6b1d5c8e-2f0a-4d3b-9c7e-1a2b3c4d5e6f";
        string ours = _cli.PathOf("ours");
        string theirs = _cli.PathOf("theirs");
        System.IO.File.WriteAllBytes(theirs, new byte[1 << 20]);

        (int exit, string output, string error) = Cli.Run("mkswap", ours, "--size", "1M", "--label", "aops", "--uuid", Uuid);
        Assert.True(exit == 0, error);
        ToolResult mkswap = UtilLinux.Run("mkswap", "-L", "aops", "-U", Uuid, theirs);
        Assert.True(mkswap.ExitCode == 0, mkswap.ToString());

        Assert.Equal($"Setting up swapspace version 1, size = 1020 KiB (1044480 bytes)\nLABEL=aops, UUID={Uuid}", output.TrimEnd().Replace("\r", ""));
        Assert.Equal(ReadPage(theirs), ReadPage(ours));
        Assert.Equal(1L << 20, new FileInfo(ours).Length);
    }

    [Fact]
    public void Mkswap_without_a_size_uses_the_files_size_and_inspect_reads_back_every_field()
    {
        string file = _cli.PathOf("swap");
        System.IO.File.WriteAllBytes(file, new byte[64 * 4096]);

        Assert.Equal(0, Cli.Run("mkswap", file, "-L", "demo", "-U", "clear").ExitCode);
        (int exit, string output, _) = Cli.Run("inspect", file);

        Assert.Equal(0, exit);
        Assert.Contains("swap area version 1, native byte order", output);
        Assert.Contains("label        demo", output);
        Assert.Contains("uuid         00000000-0000-0000-0000-000000000000", output);
        Assert.Contains("last_page    63", output);
        Assert.Contains("usable pages 63 (252 KiB)", output);
    }

    [Theory]
    [InlineData("--size", "36K", "error: swap area needs to be at least 40 KiB (EINVAL)")]
    [InlineData("--size", "12Q", "invalid size argument: '12Q'")]
    [InlineData("--uuid", "not-a-uuid", "error: parsing UUID failed: 'not-a-uuid'")]
    public void Mkswap_refuses_bad_arguments_with_a_message_and_exit_code_1_and_writes_nothing(string option, string value, string message)
    {
        string file = _cli.PathOf("refused");

        (int exit, string output, string error) = Cli.Run("mkswap", file, option, value, "--size", "1M");
        if (option == "--size")
        {
            (exit, output, error) = Cli.Run("mkswap", file, option, value);
        }

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains($"aops mkswap: {message}", error);
        Assert.False(System.IO.File.Exists(file));
    }

    [Fact]
    public void Mkswap_of_a_missing_file_without_a_size_is_ENOENT()
    {
        (int exit, _, string error) = Cli.Run("mkswap", _cli.PathOf("missing"));

        Assert.Equal(1, exit);
        Assert.Contains("No such file or directory (ENOENT)", error);
    }

    [Fact]
    public void Inspect_gives_the_kernels_message_and_errno_for_a_file_without_a_signature()
    {
        string file = _cli.PathOf("zeros");
        System.IO.File.WriteAllBytes(file, new byte[16 * 4096]);

        (int exit, string output, string error) = Cli.Run("inspect", file);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"aops inspect: {file}: Unable to find swap-space signature (EINVAL)", error.TrimEnd());
    }

    [Fact]
    public void Inspect_of_a_file_shorter_than_its_header_says_is_the_kernels_EINVAL()
    {
        string file = _cli.PathOf("cut");
        Assert.Equal(0, Cli.Run("mkswap", file, "--size", "256K").ExitCode);
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(128 * 1024);
        }

        (int exit, _, string error) = Cli.Run("inspect", file);

        Assert.Equal(1, exit);
        Assert.Contains("Swap area shorter than signature indicates (EINVAL)", error);
    }

    [Fact]
    public void Inspect_of_a_missing_file_or_a_directory_names_the_errno()
    {
        (int missing, _, string missingError) = Cli.Run("inspect", _cli.PathOf("nothing"));
        (int directory, _, string directoryError) = Cli.Run("inspect", _cli.Directory);

        Assert.Equal((1, 1), (missing, directory));
        Assert.Contains("No such file or directory (ENOENT)", missingError);
        Assert.Contains("not a regular file or block device (directory): Invalid argument (EINVAL)", directoryError);
    }

    private static byte[] ReadPage(string path) => System.IO.File.ReadAllBytes(path)[..4096];
}
