using Budget.Cli;

return await BudgetCli.Run(args, Console.Out, Console.Error, CancellationToken.None);
