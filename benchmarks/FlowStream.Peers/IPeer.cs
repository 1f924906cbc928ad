namespace FlowStream.Peers;

/// <summary>One workflow engine under test: runs a chain of <c>n</c> do-nothing nodes (steps) to completion.</summary>
internal interface IPeer : IAsyncDisposable
{
    /// <summary>Gets the engine's name, as printed in the table.</summary>
    string Name { get; }

    /// <summary>Runs one chain of <paramref name="nodes"/> do-nothing nodes and returns when the engine reports it finished.</summary>
    /// <exception cref="InvalidOperationException">The run did not end successfully.</exception>
    Task RunChainAsync(int nodes);
}
