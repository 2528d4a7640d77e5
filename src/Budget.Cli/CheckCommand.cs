using System.CommandLine;
using Budget.Application.Checks;
using Budget.Domain.Reporting;

namespace Budget.Cli;

/// <summary>
/// <c>budget check FILE [--relation R]… [--exact]</c>: the table check of <c>POST /api/checks/table</c> on a file.
/// Exit codes: 0 the table is consistent, 1 findings (listed on standard output), 2 the file or a relation cannot be
/// read (the reason on standard error). It needs no database.
/// </summary>
internal static class CheckCommand
{
    public const int Clean = 0;
    public const int Findings = 1;
    public const int Unreadable = 2;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The printed table as CSV: with ';' the numbers are Danish (6.745, -1,5), with ',' plain; rows whose first cell begins with 'I alt' are totals of the rows above" };
        var relation = new Option<string[]>("--relation") { Description = "A relation between columns, headers as printed, e.g. Afvigelse=Anslået-Korrigeret (repeat for more)", HelpName = "TARGET=TERM±TERM…" };
        var exact = new Option<bool>("--exact") { Description = "The table claims exact sums (an allocation, kept totals): no rounding tolerance" };
        var command = new Command("check", "Check a printed table: relations between its columns and its I alt rows, within the rounding of the printed figures") { file, relation, exact };
        command.SetAction(async (parse, token) =>
            await Run(parse.GetRequiredValue(file), parse.GetValue(relation) ?? [], parse.GetValue(exact), output, error, token));
        return command;
    }

    public static async Task<int> Run(FileInfo file, IReadOnlyList<string> relations, bool exact, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var limits = TableCheckLimits.Default;
        byte[] content;
        try
        {
            if (file.Exists && file.Length > limits.MaxBytes)
            {
                await error.WriteLineAsync($"{file.Name}: the table is larger than {limits.MaxBytes} bytes.");
                return Unreadable;
            }

            content = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{file.Name} cannot be read: {e.Message}");
            return Unreadable;
        }

        var outcome = TableChecking.Run(content, relations, exact, limits);
        if (!outcome.Readable)
        {
            foreach (var problem in outcome.Errors)
            {
                var where = string.Join(", ", new[] { problem.Line > 0 ? $"line {problem.Line}" : null, problem.Column }.Where(p => p is not null));
                await error.WriteLineAsync($"{file.Name}{(where.Length > 0 ? " " + where : "")}: {problem.Message}");
            }

            return Unreadable;
        }

        var table = outcome.Table!;
        var checkedText = $"{table.Rows.Count} rows, {table.Columns.Count} figure columns, {(outcome.Danish ? "Danish" : "plain")} numbers{(exact ? ", exact" : "")}";
        if (outcome.Findings.Count == 0)
        {
            await output.WriteLineAsync($"{file.Name}: no findings ({checkedText}).");
            return Clean;
        }

        await output.WriteLineAsync($"{file.Name}: {outcome.Findings.Count} finding(s) ({checkedText}):");
        foreach (var f in outcome.Findings)
        {
            await output.WriteLineAsync(
                $"line {f.Line} '{f.Label}', {f.Column}: printed {Number(f.Printed)}, computed {Number(f.Computed)}, difference {Number(f.Difference)} ({f.Rule}; rounding allows {Number(f.Tolerance)})");
        }

        return Findings;

        string Number(decimal value) => PrintedNumber.Format(value, value.Scale, outcome.Danish);
    }
}
