namespace Budget.Domain.Refusion;

/// <summary>A refusion rate in percent of the gross amount, 0–100, at most two decimals.</summary>
public readonly record struct RefusionRate
{
    private RefusionRate(decimal percent) => Percent = percent;

    public decimal Percent { get; }

    public static RefusionRate Zero { get; } = new(0m);

    public static RefusionRate Of(decimal percent)
    {
        Preconditions.Require(percent is >= 0m and <= 100m, $"A rate must be from 0 to 100 %, not {percent} %.");
        Preconditions.Require(decimal.Round(percent, 2) == percent, $"A rate has at most two decimals, not {percent}.");
        return new RefusionRate(percent);
    }

    /// <summary>The municipality's co-financing share turned into the state's share (dagpenge after 2016).</summary>
    public RefusionRate Complement => new(100m - Percent);

    public override string ToString() => $"{Percent.ToString(System.Globalization.CultureInfo.InvariantCulture)} %";
}

/// <summary>One band of anciennity weeks (1-based, inclusive); <see cref="ToWeek"/> null = open-ended; the source the band's rate comes from.</summary>
public sealed record WeekBand(int FromWeek, int? ToWeek, RefusionRate Rate, string? Source = null)
{
    public bool Contains(int week) => week >= FromWeek && (ToWeek is null || week <= ToWeek);

    public override string ToString() => ToWeek is null ? $"weeks {FromWeek}+" : $"weeks {FromWeek}–{ToWeek}";
}

/// <summary>
/// How a rate depends on the person's anciennity week: the closed set of shapes the rule data instantiates. Adding a
/// year's rates is new rows of data; only a new <em>shape</em> of rule would need code.
/// </summary>
public abstract record RateSchedule
{
    private protected RateSchedule()
    {
    }

    public abstract RefusionRate RateAt(int anciennityWeek);

    /// <summary>The bands as the data gave them (for listing and for distributing persons).</summary>
    public abstract IReadOnlyList<WeekBand> Bands { get; }

    /// <summary>
    /// The shape of a set of bands: one open band from week 1 is a flat rate; several contiguous bands a staircase; a
    /// last band that ends means the refusion stops after it (e.g. ledighedsydelse after 18 months). Bands must start
    /// at week 1 and leave no gap or overlap.
    /// </summary>
    public static RateSchedule FromBands(IEnumerable<WeekBand> bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        var ordered = bands.OrderBy(b => b.FromWeek).ToArray();
        Preconditions.Require(ordered.Length > 0, "A rate schedule needs at least one band.");
        Preconditions.Require(ordered[0].FromWeek == 1, $"The bands start at week {ordered[0].FromWeek}, not week 1.");
        for (var i = 0; i < ordered.Length; i++)
        {
            var band = ordered[i];
            Preconditions.Require(band.ToWeek is null || band.ToWeek >= band.FromWeek, $"{band} ends before it starts.");
            if (i + 1 < ordered.Length)
            {
                var next = ordered[i + 1];
                Preconditions.Require(band.ToWeek is not null, $"{band} is open-ended but {next} follows it.");
                Preconditions.Require(next.FromWeek <= band.ToWeek + 1, $"weeks {band.ToWeek + 1}–{next.FromWeek - 1} are not covered between {band} and {next}.");
                Preconditions.Require(next.FromWeek > band.ToWeek, $"{band} and {next} overlap.");
            }
        }

        var last = ordered[^1];
        if (last.ToWeek is { } end)
        {
            return new CutOffAfter(FromBands(ordered.Take(ordered.Length - 1).Append(last with { ToWeek = null })), end);
        }

        return ordered.Length == 1 ? new FlatRate(last.Rate, last.Source) : new Staircase(ordered);
    }
}

/// <summary>The same rate whatever the anciennity.</summary>
public sealed record FlatRate(RefusionRate Rate, string? Source = null) : RateSchedule
{
    public override RefusionRate RateAt(int anciennityWeek) => Rate;

    public override IReadOnlyList<WeekBand> Bands => [new WeekBand(1, null, Rate, Source)];
}

/// <summary>A rate per band of anciennity weeks, the last band open-ended (the 2016 refusion staircase).</summary>
public sealed record Staircase(IReadOnlyList<WeekBand> Steps) : RateSchedule
{
    public override RefusionRate RateAt(int anciennityWeek) => Steps.First(s => s.Contains(Math.Max(anciennityWeek, 1))).Rate;

    public override IReadOnlyList<WeekBand> Bands => Steps;
}

/// <summary>A schedule that stops after <see cref="LastWeek"/>: no refusion from the week after.</summary>
public sealed record CutOffAfter(RateSchedule Before, int LastWeek) : RateSchedule
{
    public override RefusionRate RateAt(int anciennityWeek) => anciennityWeek > LastWeek ? RefusionRate.Zero : Before.RateAt(anciennityWeek);

    public override IReadOnlyList<WeekBand> Bands =>
        [.. Before.Bands.Take(Before.Bands.Count - 1), Before.Bands[^1] with { ToWeek = LastWeek }, new WeekBand(LastWeek + 1, null, RefusionRate.Zero, Before.Bands[^1].Source)];
}
