using AopsGen.Examples.Aops;

return AopsCli.Run(args, System.Console.Out, System.Console.Error, interactive: !System.Console.IsOutputRedirected);
