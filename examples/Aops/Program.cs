using AopsGen.Examples.Aops;

// aops runs on Linux: it opens, stats and locks files through libc, as util-linux does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

return AopsCli.Run(args, System.Console.Out, System.Console.Error, interactive: !System.Console.IsOutputRedirected);
