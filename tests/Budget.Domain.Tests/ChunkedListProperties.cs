using FluentAssertions;
using FsCheck;
using FsCheck.Fluent;

namespace Budget.Domain.Tests;

/// <summary>
/// A list in shared chunks (decision 0026) is, item for item, the array it was made from with the replacements made;
/// the list it came from is unchanged; and the positions it reports as changed are exactly those whose item is
/// another object.
/// </summary>
public class ChunkedListProperties
{
    private sealed record Item(int Value);

    private static readonly Gen<(int Count, (int Index, int Value)[] Replacements)> Cases =
        from count in Gen.Choose(0, 300)
        from replacements in Gen.ListOf(Gen.Zip(Gen.Choose(0, Math.Max(0, count - 1)), Gen.Choose(0, 1_000)))
        select (count, count == 0 ? [] : replacements.ToArray());

    [Fact]
    public void Replacing_items_is_replacing_them_in_an_array_and_leaves_the_original_as_it_was() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var items = Enumerable.Range(0, c.Count).Select(i => new Item(i)).ToArray();
            var list = new ChunkedList<Item>(items);
            var replacements = c.Replacements.Select(r => (r.Index, new Item(r.Value))).ToArray();

            var changed = list.With(replacements);

            var expected = (Item[])items.Clone();
            foreach (var (index, item) in replacements)
            {
                expected[index] = item;
            }

            var replacedPositions = replacements.Select(r => r.Index).Distinct().Order().ToArray();
            return changed.SequenceEqual(expected)
                && Enumerable.Range(0, c.Count).All(i => ReferenceEquals(changed[i], expected[i]))
                && list.SequenceEqual(items)
                && changed.ChangedFrom(list).SequenceEqual(replacedPositions)
                && (replacements.Length > 0 || ReferenceEquals(changed, list));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void An_item_put_back_in_its_place_is_not_a_change_and_positions_outside_are_refused()
    {
        var items = Enumerable.Range(0, 130).Select(i => new Item(i)).ToArray();
        var list = new ChunkedList<Item>(items);

        list.With([(70, items[70])]).ChangedFrom(list).Should().BeEmpty("the same object is back at its place");
        list.With([(129, new Item(-1))]).ChangedFrom(list).Should().Equal(129);
        FluentActions.Invoking(() => list.With([(130, new Item(0))])).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => list[-1]).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => list.ChangedFrom(new ChunkedList<Item>(items[..64]))).Should().Throw<ArgumentException>();
    }
}
