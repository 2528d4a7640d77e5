using System.Collections;

namespace Budget.Domain;

/// <summary>
/// An immutable list kept in chunks of 64 items: a copy with a few items replaced (<see cref="With"/>) shares every
/// chunk it did not change with the list it came from, so replacing k items of n costs at most k chunks and the chunk
/// directory (n / 64 references) instead of n references; and <see cref="ChangedFrom"/> finds the replaced positions
/// without reading the shared chunks. The kept follow-ups replace a few accounts' facts, figures and rows of a year's
/// thousands after every estimate saved (decision 0026).
/// </summary>
public sealed class ChunkedList<T> : IReadOnlyList<T>
    where T : class
{
    private const int Shift = 6;
    private const int ChunkSize = 1 << Shift;
    private const int InChunk = ChunkSize - 1;

    private readonly T[][] chunks;

    public ChunkedList(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Count = items.Count;
        chunks = new T[(Count + InChunk) >> Shift][];
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c] = new T[Math.Min(ChunkSize, Count - (c << Shift))];
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = items[(c << Shift) + i];
            }
        }
    }

    private ChunkedList(T[][] chunks, int count)
    {
        this.chunks = chunks;
        Count = count;
    }

    public int Count { get; }

    public T this[int index]
    {
        get
        {
            Within(index, nameof(index));
            return chunks[index >> Shift][index & InChunk];
        }
    }

    private void Within(int index, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count, name);
    }

    /// <summary>A copy with the items at the given positions replaced (the last one given for a position wins); this list is not changed.</summary>
    public ChunkedList<T> With(IEnumerable<(int Index, T Item)> replacements)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        T[][]? copy = null;
        bool[]? copied = null;
        foreach (var (index, item) in replacements)
        {
            Within(index, nameof(replacements));
            copy ??= (T[][])chunks.Clone();
            copied ??= new bool[chunks.Length];
            var c = index >> Shift;
            if (!copied[c])
            {
                copy[c] = (T[])copy[c].Clone();
                copied[c] = true;
            }

            copy[c][index & InChunk] = item;
        }

        return copy is null ? this : new ChunkedList<T>(copy, Count);
    }

    /// <summary>
    /// The positions, in order, whose item is another object than at the same position of <paramref name="before"/>,
    /// a list of the same length; chunks the two share are skipped unread.
    /// </summary>
    public IEnumerable<int> ChangedFrom(ChunkedList<T> before)
    {
        ArgumentNullException.ThrowIfNull(before);
        if (before.Count != Count)
        {
            throw new ArgumentException($"A list of {before.Count} items is not an earlier version of one of {Count}.", nameof(before));
        }

        return Changed(before);
    }

    private IEnumerable<int> Changed(ChunkedList<T> before)
    {
        for (var c = 0; c < chunks.Length; c++)
        {
            var (now, then) = (chunks[c], before.chunks[c]);
            if (ReferenceEquals(now, then))
            {
                continue;
            }

            for (var i = 0; i < now.Length; i++)
            {
                if (!ReferenceEquals(now[i], then[i]))
                {
                    yield return (c << Shift) + i;
                }
            }
        }
    }

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var chunk in chunks)
        {
            foreach (var item in chunk)
            {
                yield return item;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
