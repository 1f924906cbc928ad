using System.Text.Json;

namespace FlowStream.Client;

/// <summary>
/// What to run: the body of <c>POST {base}/stream</c> and <c>POST {base}</c>,
/// <c>{"flowId": "...", "inputData": {...}, "mode": "..."}</c> or <c>{"workflow": {...}, "inputData": {...}}</c>.
/// </summary>
/// <remarks>Set exactly one of <see cref="FlowId"/> and <see cref="Workflow"/>.</remarks>
public sealed class StartExecutionRequest
{
    /// <summary>Gets or sets the id of a workflow the server knows.</summary>
    public string? FlowId { get; set; }

    /// <summary>
    /// Gets or sets an inline workflow definition (<c>id</c>, <c>name</c>, <c>nodes</c>, <c>connections</c>).
    /// The server accepts inline workflows only when it was configured to.
    /// </summary>
    public JsonElement? Workflow { get; set; }

    /// <summary>Gets or sets the execution's input (<c>{{ $input.x }}</c> in templates); left out of the request when <see cref="JsonValueKind.Undefined"/> (the default).</summary>
    public JsonElement InputData { get; set; }

    /// <summary>Gets or sets the execution mode; <see langword="null"/> (the default) lets the server choose (<c>manual</c>).</summary>
    public string? Mode { get; set; }
}
