namespace Budget.Application.Datasets;

/// <summary>Why a row of a dataset file was refused: file name without ".csv", line (1 = header), column, reason.</summary>
public sealed record DatasetError(string File, int Line, string? Column, string Message);
