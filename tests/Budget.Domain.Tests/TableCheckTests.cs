using Budget.Domain.Reporting;
using FsCheck;
using FsCheck.Fluent;

namespace Budget.Domain.Tests;

/// <summary>The general table check: relations between columns, I alt rows, rounding tolerance, exact tables.</summary>
public class TableCheckTests
{
    private static readonly string[] Columns = ["Korrigeret", "Anslået", "Afvigelse"];

    private static PrintedTableRow Row(int line, string label, params decimal?[] cells) =>
        new(line, label, cells.Select(c => c is { } v ? new PrintedNumber(v, v.Scale) : (PrintedNumber?)null).ToArray(), PrintedTableRow.IsTotalLabel(label));

    private static ColumnRelation Relation(string text)
    {
        ColumnRelation.TryParse(text, Columns, out var relation, out var error).Should().BeTrue(error);
        return relation!;
    }

    [Fact]
    public void A_wrong_cell_and_a_wrong_total_are_flagged_and_a_total_within_its_rounding_is_accepted()
    {
        // domain.md §5's activity areas, 1.000 kr.; Erhverv's variance printed 10 instead of 0 and the estimate's total 200 off.
        var table = new PrintedTable(Columns,
        [
            Row(2, "Beskæftigelse", 292_917, 287_892, -5_025),
            Row(3, "Ydelser og overførsler", 168_681, 168_681, 0),
            Row(4, "Erhverv", 2_150, 2_150, 10),
            Row(5, "I alt", 463_747, 458_923, -5_025),
        ]);
        var relations = new[] { Relation("Afvigelse=Anslået-Korrigeret") };

        var errors = TableCheck.Errors(table, relations, exact: false);
        var all = TableCheck.Check(table, relations, exact: false);

        errors.Select(e => (e.Line, e.Column, e.Kind, e.Printed, e.Computed, e.Difference)).Should().Equal(
            (4, "Afvigelse", TableFindingKind.Relation, 10m, 0m, 10m),
            (5, "Afvigelse", TableFindingKind.Relation, -5_025m, -4_824m, -201m),
            (5, "Anslået", TableFindingKind.Total, 458_923m, 458_723m, 200m),
            (5, "Afvigelse", TableFindingKind.Total, -5_025m, -5_015m, -10m));
        errors[0].Should().BeEquivalentTo(new { Label = "Erhverv", Rule = "Afvigelse=Anslået-Korrigeret", Tolerance = 1m });
        // The corrected budget's rows sum to 463.748 under a printed 463.747: three rounded rows allow ⌊3/2⌋ = 1.
        all.Except(errors).Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Line = 5, Column = "Korrigeret", Kind = TableFindingKind.Total, Printed = 463_747m, Computed = 463_748m, Difference = -1m, Tolerance = 1m, WithinTolerance = true,
        });
        TableCheck.Errors(table, relations, exact: true).Should().HaveCount(5, "an exact table accepts no rounding");
    }

    [Fact]
    public void The_rows_of_the_papers_corrected_budget_add_up_to_the_printed_total_within_rounding()
    {
        // domain.md §5: the 23 accounts' corrected budgets (1.000 kr.) sum to 463.750 under a printed 463.747: 23 rows
        // allow ⌊23/2⌋ = 11, so the paper's total is accepted; one 12 off is not.
        decimal[] rows = [79_083, 118_194, 63_872, 14_698, 1_100, 4_259, 34_294, 10_579, 20_164, 10_790, 5_416, 4_786, 3_175, 1_537, 1_818, 3_562, 5_456, 49_633, 1_863, 26_594, 751, -24, 2_150];
        PrintedTable Table(decimal total) => new(["Korrigeret"], [.. rows.Select((v, i) => Row(i + 2, $"Konto {i}", v)), Row(rows.Length + 2, "I alt", total)]);

        rows.Sum().Should().Be(463_750m);
        var within = TableCheck.Check(Table(463_747m), [], exact: false);
        within.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Difference = -3m, Tolerance = 11m, Kind = TableFindingKind.Total, Rule = "sum of 23 rows (lines 2–24)" });
        TableCheck.Errors(Table(463_747m), [], exact: false).Should().BeEmpty();
        TableCheck.Errors(Table(463_738m), [], exact: false).Should().ContainSingle().Which.Difference.Should().Be(-12m);
        TableCheck.Errors(Table(463_747m), [], exact: true).Should().ContainSingle("an exact table's total must be the sum").Which.Tolerance.Should().Be(0m);
    }

    [Fact]
    public void Subtotals_total_their_section_and_a_total_right_after_them_totals_every_row()
    {
        var table = new PrintedTable(["Beløb"],
        [
            Row(2, "A", 1), Row(3, "B", 2), Row(4, "I alt drift", 3),
            Row(5, "C", 10), Row(6, "I alt anlæg", 11),
            Row(7, "I alt", 14),
        ]);

        TableCheck.Check(table, [], exact: true).Select(f => (f.Line, f.Printed, f.Computed, f.Rule)).Should().Equal(
            (6, 11m, 10m, "sum of 1 rows (lines 5–5)"),
            (7, 14m, 13m, "sum of 3 rows (lines 2–5)"));
    }

    [Fact]
    public void Units_follow_the_printed_decimals_of_the_columns()
    {
        // Tenths: two parts and a total each off by up to 0,05 → the total may be off by 0,1, not 0,2.
        var table = new PrintedTable(["Mio. kr."], [Row(2, "A", 1.2m), Row(3, "B", 2.4m), Row(4, "I alt", 3.7m)]);
        var off = new PrintedTable(["Mio. kr."], [Row(2, "A", 1.2m), Row(3, "B", 2.4m), Row(4, "I alt", 3.8m)]);

        table.UnitOf(0).Should().Be(0.1m);
        TableCheck.Errors(table, [], exact: false).Should().BeEmpty();
        TableCheck.Errors(off, [], exact: false).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Difference = 0.2m, Tolerance = 0.1m });
    }

    [Fact]
    public void Blank_cells_are_not_checked_as_targets_and_count_as_zero_as_parts()
    {
        // A's variance of 0 and B's estimate of 0 are left blank, as papers print them; the heading row has no figures.
        var table = new PrintedTable(Columns, [Row(2, "Drift", null, null, null), Row(3, "A", 100, 100, null), Row(4, "B", 100, null, -100), Row(5, "I alt", 200, 100, -100)]);

        TableCheck.Check(table, [Relation("Afvigelse = Anslået − Korrigeret")], exact: true).Should().BeEmpty();
    }

    [Fact]
    public void Relations_name_headers_exactly_as_printed_including_years_and_headers_with_dashes()
    {
        string[] columns = ["2015", "2016", "Merudgift/-indtægt", "Overslag 2016-2019"];

        ColumnRelation.TryParse("2016=2015+Merudgift/-indtægt", columns, out var years, out _).Should().BeTrue();
        years!.Terms.Should().Equal(new ColumnTerm(0, 1), new ColumnTerm(2, 1));
        ColumnRelation.TryParse("Overslag 2016-2019 = -2015 - 2016", columns, out var signs, out _).Should().BeTrue();
        signs!.Target.Should().Be(3);
        signs.Terms.Should().Equal(new ColumnTerm(0, -1), new ColumnTerm(1, -1));
        ColumnRelation.TryParse("Afvigelse=2016-2015", columns, out _, out var unknown).Should().BeFalse();
        unknown.Should().Contain("'Afvigelse' is not a column header").And.Contain("'2015', '2016'");
        ColumnRelation.TryParse("2016=2015 2015", columns, out _, out var missingOperator).Should().BeFalse();
        missingOperator.Should().Contain("expected + or -");
        ColumnRelation.TryParse("2016+2015", columns, out _, out var noEquals).Should().BeFalse();
        noEquals.Should().Contain("no '='");
        ColumnRelation.TryParse("A=B", ["A", "B", "B"], out _, out var twice).Should().BeFalse();
        twice.Should().Contain("names 2 columns");
        ColumnRelation.TryParse("2015=" + string.Join("+", Enumerable.Repeat("2016", 101)), columns, out _, out var long_).Should().BeFalse();
        long_.Should().Contain("at most 100 terms");
    }

    [Theory]
    [InlineData("6.745", true, 6745, 0)]
    [InlineData("-1,5", true, -1.5, 1)]
    [InlineData("\u22125.025", true, -5025, 0)]
    [InlineData("+148", true, 148, 0)]
    [InlineData("79.082.600,00", true, 79082600, 2)]
    [InlineData("-", true, 0, 0)]
    [InlineData("6745", false, 6745, 0)]
    [InlineData("-1.5", false, -1.5, 1)]
    public void Printed_numbers_are_read_in_their_flavour(string text, bool danish, double expected, int decimals)
    {
        PrintedNumber.TryParse(text, danish, out var number, out var error).Should().BeTrue(error);
        number.Should().Be(new PrintedNumber((decimal)expected, decimals));
    }

    [Theory]
    [InlineData("6.74", true)]
    [InlineData("1,2,3", true)]
    [InlineData("6,745", false)]
    [InlineData("12a", false)]
    [InlineData("1.", false)]
    [InlineData("1234567890123456", false)]
    [InlineData("0,1234567", true)]
    public void Text_that_is_not_a_printed_number_is_refused(string text, bool danish) =>
        PrintedNumber.TryParse(text, danish, out _, out var error).Should().BeFalse(error);

    /// <summary>
    /// Whatever the figures, a table printed the papers' way — every cell rounded on its own, half away from zero, from
    /// unrounded amounts whose columns and totals are exact — passes the check without findings beyond tolerance: the
    /// tolerance is never too tight. And the tolerance is attained: the bound ⌊n/2⌋ is no looser than needed.
    /// </summary>
    [Fact]
    public void A_table_rounded_cell_by_cell_from_consistent_amounts_never_has_errors()
    {
        var tables = from n in Gen.Choose(1, 30)
                     from ore in Gen.ArrayOf(Gen.Choose(-2_000_000, 2_000_000), n)
                     from correctedOre in Gen.ArrayOf(Gen.Choose(-2_000_000, 2_000_000), n)
                     select (Estimates: ore.Select(o => o / 1000m).ToArray(), Corrected: correctedOre.Select(o => o / 1000m).ToArray());

        Prop.ForAll(tables.ToArbitrary(), t =>
        {
            decimal R(decimal v) => decimal.Round(v, 0, MidpointRounding.AwayFromZero);
            var rows = t.Estimates.Select((e, i) => Row(i + 2, $"R{i}", R(t.Corrected[i]), R(e), R(e - t.Corrected[i]))).ToList();
            rows.Add(Row(rows.Count + 2, "I alt", R(t.Corrected.Sum()), R(t.Estimates.Sum()), R(t.Estimates.Sum() - t.Corrected.Sum())));
            return TableCheck.Errors(new PrintedTable(Columns, rows), [Relation("Afvigelse=Anslået-Korrigeret")], exact: false).Count == 0;
        }).QuickCheckThrowOnFailure();

        // n = 4 parts of 0,5 each: printed 1 + 1 + 1 + 1 = 4 under a printed total of 2: off by exactly ⌊4/2⌋ = 2.
        var extreme = new PrintedTable(["Beløb"], [Row(2, "A", 1), Row(3, "B", 1), Row(4, "C", 1), Row(5, "D", 1), Row(6, "I alt", 2)]);
        TableCheck.Check(extreme, [], exact: false).Should().ContainSingle().Which.Should().BeEquivalentTo(new { Difference = -2m, Tolerance = 2m, WithinTolerance = true });
    }
}
