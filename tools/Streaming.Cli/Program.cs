using Streaming.Cli;

return await Commands.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
