using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using AopsGen.Swap;

namespace AopsGen.Examples.Tests;

/// <summary>The aops command against the server: <c>mkswap nfs://…</c> and <c>demo --fs nfs</c>.</summary>
public sealed unsafe class AopsOnNfsTests
{
    [NfsFact]
    public void Mkswap_onto_an_nfs_url_writes_the_header_aopsgens_mkswap_writes_and_no_holes()
    {
        string name = NfsServer.NewName("mkswap");
        string url = NfsFs.FileUrl(NfsServer.ExportUrl!, name);
        const string Uuid = "11111111-2222-3333-4444-555555555555";
        try
        {
            (int exit, string output, string error) = Aops("mkswap", url, "--size", "1M", "--label", "nfs", "--uuid", Uuid);

            Assert.True(exit == 0, error);
            Assert.Contains("Setting up swapspace version 1, size = 1020 KiB (1044480 bytes)", output);
            Span<byte> expected = stackalloc byte[Page.Size];
            expected.Clear();
            Assert.True(Mkswap.Format(expected, 1 << 20, new MkswapOptions { Label = "nfs", Uuid = Guid.Parse(Uuid) }).Succeeded);
            Assert.Equal(0, NfsConnection.Open(url, create: false, out NfsConnection? connection, out _));
            using (connection)
            {
                byte[] header = new byte[Page.Size];
                fixed (byte* bytes = header)
                {
                    Assert.Equal(Page.Size, connection!.Read(0, bytes, Page.Size));
                }
                Assert.Equal(expected.ToArray(), header);
                Assert.Equal(0, connection!.Stat(out long size, out long used));
                Assert.Equal(1L << 20, size);
                Assert.True(used >= size, $"{used} bytes allocated for {size}: holes");
            }
        }
        finally
        {
            NfsConnection.Remove(url);
        }
    }

    [NfsFact]
    public void Mkswap_onto_an_existing_nfs_file_keeps_its_data_refuses_a_larger_size_and_grows_only_with_force()
    {
        string name = NfsServer.NewName("mkswap-existing");
        string url = NfsFs.FileUrl(NfsServer.ExportUrl!, name);
        byte[] data = Enumerable.Range(0, 100 << 10).Select(i => (byte)(i * 13 + 1)).ToArray();
        try
        {
            Assert.Equal(0, NfsConnection.Open(url, create: true, out NfsConnection? writer, out _));
            using (writer)
            {
                fixed (byte* bytes = data)
                {
                    Assert.Equal(data.Length, writer!.Write(0, bytes, data.Length));
                }
                Assert.Equal(0, writer!.Commit());
            }

            (int exit, _, string error) = Aops("mkswap", url, "--size", "1M");
            Assert.Equal(1, exit);
            Assert.Contains("error: size 1024 KiB is larger than device size 100 KiB (EINVAL)", error);
            Assert.Equal(data, ReadAll(url));

            (exit, string output, error) = Aops("mkswap", url);
            Assert.True(exit == 0, error);
            Assert.Contains("size = 96 KiB", output);
            byte[] formatted = ReadAll(url);
            Assert.Equal(data.Length, formatted.Length);
            Assert.Equal(data[Page.Size..], formatted[Page.Size..]); // the data area is left as it was

            (exit, _, error) = Aops("mkswap", url, "--size", "1M", "--force");
            Assert.True(exit == 0, error);
            byte[] grown = ReadAll(url);
            Assert.Equal(1 << 20, grown.Length);
            Assert.Equal(data[Page.Size..], grown[Page.Size..data.Length]);
            Assert.All(grown[data.Length..], b => Assert.Equal(0, b));
        }
        finally
        {
            NfsConnection.Remove(url);
        }
    }

    [NfsFact]
    public void A_refused_mkswap_creates_nothing_on_the_server_and_leaves_a_missing_file_missing()
    {
        string url = NfsFs.FileUrl(NfsServer.ExportUrl!, NfsServer.NewName("mkswap-refused"));

        int rc = NfsFs.Mkswap(url, 8 << 10, null, out MkswapResult? result, out _);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), rc);
        Assert.Equal("error: swap area needs to be at least 40 KiB", result!.Error);
        Assert.Equal(Errnos.Neg(Errno.ENOENT), NfsConnection.Open(url, create: false, out _, out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), NfsFs.Mkswap(url, null, null, out _, out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), NfsConnection.Open(url, create: false, out _, out _));
    }

    [NfsFact]
    public void A_server_address_that_cannot_be_used_is_EINVAL_with_libnfs_reason_not_EPERM()
    {
        (int exit, _, string error) = Aops("mkswap", "nfs://127.0.0.1:1/export/x?version=3", "--size", "1M");

        Assert.Equal(1, exit);
        Assert.Contains("Invalid address:127.0.0.1:1", error);
        Assert.Contains("its ports go in ?nfsport=…&mountport=…", error);
        Assert.EndsWith("(EINVAL)", error.TrimEnd());
    }

    private static byte[] ReadAll(string url)
    {
        Assert.Equal(0, NfsConnection.Open(url, create: false, out NfsConnection? connection, out _));
        using (connection)
        {
            Assert.Equal(0, connection!.Stat(out long size, out _));
            byte[] bytes = new byte[size];
            fixed (byte* buffer = bytes)
            {
                for (long done = 0; done < size;)
                {
                    long n = connection.Read(done, buffer + done, (int)Math.Min(128 << 10, size - done));
                    Assert.True(n > 0, $"read at {done}: {n}");
                    done += n;
                }
            }
            return bytes;
        }
    }

    [NfsTheory]
    [InlineData(1)]
    [InlineData(4)]
    public void Demo_on_nfs_at_four_times_more_pages_than_frames_with_two_threads_verifies_every_byte(int queueDepth)
    {
        (int exit, string output, string error) = Aops("demo", "--fs", "nfs", "--nfs-url", NfsServer.ExportUrl!, "--pages", "1024", "--ram-pages", "256", "--threads", "2",
            "--queue-depth", queueDepth.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.True(exit == 0, error + output);
        JsonElement json = JsonDocument.Parse(output.TrimEnd().Split('\n').Last()).RootElement;
        Assert.Equal("nfs", json.GetProperty("fs").GetString());
        Assert.Equal("SWP_FS_OPS", json.GetProperty("swapMode").GetString());
        Assert.Equal(queueDepth, json.GetProperty("queueDepth").GetInt32());
        JsonElement calls = json.GetProperty("opCalls");
        Assert.True(calls.GetProperty("swap_rw").GetInt64() > 0);
        Assert.Equal(0, calls.GetProperty("direct_IO").GetInt64() + calls.GetProperty("blockWrites").GetInt64());
        Assert.True(json.GetProperty("verified").GetBoolean());
        Assert.True(json.GetProperty("pagesOut").GetInt64() >= 1024 - 256);
        Assert.Equal(0, json.GetProperty("allocatedBytesPerPage").GetDouble());
    }

    [Fact]
    public void Demo_on_nfs_without_a_url_says_where_to_get_one()
    {
        var start = Start("demo", "--fs", "nfs");
        start.Environment.Remove("AOPSGEN_NFS_URL");
        (int exit, _, string error) = Run(start);

        Assert.Equal(1, exit);
        Assert.Contains("--fs nfs needs --nfs-url", error);
    }

    private static (int, string, string) Aops(params string[] args) => Run(Start(args));

    private static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aops.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    private static (int, string, string) Run(ProcessStartInfo start)
    {
        using Process process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "aops did not finish in 2 minutes");
        return (process.ExitCode, output, error.Result);
    }
}
