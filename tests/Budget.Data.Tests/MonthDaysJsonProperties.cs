using System.Text;
using System.Text.Json;
using Budget.Data.Sqlite;
using Budget.Domain.Money;
using FsCheck;
using FsCheck.Fluent;

namespace Budget.Data.Tests;

/// <summary>
/// SQLite keeps a month's days in its posting_month row as JSON text (decision 0032), written and summed by hand:
/// whatever the days, the text is the JSON of the days with postings in day order, its |øre| the saturating sum the
/// ceiling uses, and the sum through any day of the month the sum of those days — also for text SQLite wrote itself
/// (spaces, as a hand-edited database might hold).
/// </summary>
public sealed class MonthDaysJsonProperties
{
    /// <summary>
    /// A month of 28–31 days; each day without postings, or with 1–3 of any øre, up to a 31st of the year ceiling's
    /// |øre| (which the store keeps every year within, so no month's sum overflows).
    /// </summary>
    private static readonly Gen<(long Ore, long Count)[]> Months =
        Gen.Choose(28, 31).SelectMany(length => Gen.ArrayOf(
            Gen.Frequency(
                (3, Gen.Constant((0L, 0L))),
                (2, Gen.Choose(1, 3).SelectMany(count => Gen.OneOf(
                    Gen.Choose(-1_000_000, 1_000_000).Select(o => (long)o),
                    Gen.Elements(0L, AmountCeilings.MaxInputOre, -AmountCeilings.MaxInputOre, AmountCeilings.MaxYearMagnitudeOre / 31, -AmountCeilings.MaxYearMagnitudeOre / 31)).Select(ore => (ore, (long)count))))),
            length));

    [Fact]
    public void The_text_is_the_json_of_the_days_with_postings_and_its_sums_are_theirs()
    {
        Prop.ForAll(Months.ToArbitrary(), month =>
        {
            var (json, magnitude) = MonthDaysJson.Write(month.Select(d => d.Ore).ToArray(), month.Select(d => d.Count).ToArray());

            var expected = month.Select((d, i) => (Day: i + 1, d.Ore, d.Count)).Where(d => d.Count > 0).ToArray();
            var parsed = JsonSerializer.Deserialize<long[][]>(json)!.Select(d => ((int)d[0], d[1], d[2])).ToArray();
            var expectedMagnitude = expected.Aggregate(0L, (sum, d) => AmountCeilings.AddMagnitude(sum, d.Ore));
            var spaced = Encoding.UTF8.GetBytes(" [ " + string.Join(" , ", expected.Select(d => $"[ {d.Day} ,{d.Ore}, {d.Count} ]")) + " ] ");
            var sumsHold = Enumerable.Range(0, 32).All(through =>
            {
                var sum = expected.Where(d => d.Day <= through).Sum(d => (decimal)d.Ore);
                return MonthDaysJson.SumThrough(json, through) == sum && MonthDaysJson.SumThrough(spaced, through) == sum;
            });
            return parsed.SequenceEqual(expected) && magnitude == expectedMagnitude && sumsHold;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[[1,2]]")]
    [InlineData("[[1,2,3,4]]")]
    [InlineData("[[1,\"2\",3]]")]
    [InlineData("[[1,2.5,3]]")]
    [InlineData("[[1,2,3]")]
    [InlineData("[1,2,3]")]
    [InlineData("[[1,2,3]] [[4,5,6]]")]
    public void Text_that_is_not_a_list_of_days_is_refused(string text)
    {
        var sum = () => MonthDaysJson.SumThrough(Encoding.UTF8.GetBytes(text), 31);

        sum.Should().Throw<InvalidDataException>();
    }
}
