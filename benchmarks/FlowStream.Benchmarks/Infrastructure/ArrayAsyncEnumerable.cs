namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>An <see cref="IAsyncEnumerable{T}"/> over an array whose every step completes synchronously (no allocation per item).</summary>
internal sealed class ArrayAsyncEnumerable<T>(T[] items) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(items);

    private sealed class Enumerator(T[] items) : IAsyncEnumerator<T>
    {
        private int _index = -1;

        public T Current => items[_index];

        public ValueTask<bool> MoveNextAsync() => new(++_index < items.Length);

        public ValueTask DisposeAsync() => default;
    }
}
