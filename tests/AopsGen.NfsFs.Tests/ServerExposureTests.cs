using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace AopsGen.Examples.Tests;

/// <summary>The test server is reachable from this machine only: its ports listen on loopback, and rpcbind, confined
/// to its own network namespace, listens on no port of the host.</summary>
public sealed class ServerExposureTests
{
    [NfsFact]
    public void The_nfs_and_mount_ports_listen_on_loopback_only_and_nothing_on_the_hosts_port_111()
    {
        Match ports = Regex.Match(NfsServer.ExportUrl!, @"nfsport=(\d+)&mountport=(\d+)");
        Assert.True(ports.Success, NfsServer.ExportUrl);
        string[] listening = Listening();

        foreach (string port in new[] { ports.Groups[1].Value, ports.Groups[2].Value })
        {
            string[] sockets = listening.Where(address => address.EndsWith(":" + port, StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(sockets);
            Assert.All(sockets, address => Assert.True(address is var a && (a.StartsWith("127.0.0.1:", StringComparison.Ordinal) || a.StartsWith("[::ffff:127.0.0.1]:", StringComparison.Ordinal)), $"{address} is not loopback"));
        }
        Assert.DoesNotContain(listening, address => address.EndsWith(":111", StringComparison.Ordinal));
    }

    // ss -ltnH: the local address of every listening TCP socket on the host.
    private static string[] Listening()
    {
        var start = new ProcessStartInfo("ss") { RedirectStandardOutput = true };
        foreach (string arg in new[] { "-l", "-t", "-n", "-H" })
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]).ToArray();
    }
}
