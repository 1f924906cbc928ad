using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlowStream.Nodes.Gemini.Tests.Infrastructure;

/// <summary>
/// An engine built as a host would (<c>AddFlowStream().AddGemini(...)</c>) on a fake clock (2026-01-01T00:00:00Z) with a
/// capturing logger at Trace level, pointed at a fresh <see cref="FakeGeminiServer"/>.
/// </summary>
internal sealed class GeminiTestHost : IAsyncDisposable
{
    public const string NodeName = "Gemini AI";
    public static readonly DateTimeOffset StartTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private GeminiTestHost(FakeGeminiServer server, RecordingTimeProvider time, CapturingLoggerProvider logs, ServiceProvider services, string? apiKey)
    {
        Server = server;
        Time = time;
        Logs = logs;
        Services = services;
        ApiKey = apiKey;
        Engine = services.GetRequiredService<IWorkflowEngine>();
    }

    public FakeGeminiServer Server { get; }

    public RecordingTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public ServiceProvider Services { get; }

    public IWorkflowEngine Engine { get; }

    /// <summary>Gets the configured API key: the secret no event, log line or exception may show.</summary>
    public string? ApiKey { get; }

    /// <summary>Starts a fake server and an engine with the Gemini node pointed at it (key <paramref name="apiKey"/>, registered first).</summary>
    public static async Task<GeminiTestHost> StartAsync(
        Action<GeminiOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        string? apiKey = FakeGeminiServer.ValidKey)
    {
        var server = await FakeGeminiServer.StartAsync();
        var time = new RecordingTimeProvider(new FakeTimeProvider(StartTime));
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        configureServices?.Invoke(services);
        services.AddFlowStream().AddGemini(options =>
        {
            options.ApiKey = apiKey;
            options.BaseUrl = server.BaseAddress;
            configure?.Invoke(options);
        });
        return new GeminiTestHost(server, time, logs, services.BuildServiceProvider(validateScopes: true), apiKey);
    }

    /// <summary>Start → Gemini AI, the prompt templated from the input's <c>country</c>.</summary>
    public static WorkflowDefinition Workflow(string parametersJson) => new WorkflowBuilder("gemini-flow", "Gemini flow")
        .AddNode("Start", "manualTrigger")
        .AddNode(NodeName, GeminiNode.Type, parametersJson)
        .Connect("Start", NodeName)
        .Build();

    public static string Parameters(bool stream, string? extra = null)
        => $$$"""{"prompt": "Capital of {{ $input.country }}?", "stream": {{{(stream ? "true" : "false")}}}{{{(extra is null ? "" : ", " + extra)}}}}""";

    /// <summary>Starts the workflow with <c>{"country": "France"}</c> and records its events as they come.</summary>
    public GeminiRun Start(WorkflowDefinition workflow)
    {
        var execution = Engine.Start(workflow, new ExecutionRequest { InputData = JsonDocument.Parse("""{"country": "France"}""").RootElement.Clone() });
        return new GeminiRun(this, execution, new EventRecorder(Engine, execution.Id));
    }

    /// <summary>Runs the Gemini workflow to its end and checks that the key leaked nowhere.</summary>
    public async Task<GeminiRun> RunAsync(string parametersJson)
    {
        var run = Start(Workflow(parametersJson));
        await run.CompleteAsync();
        return run;
    }

    /// <summary>Asserts the API key is in no log line (message, state, exception), event, exception text or request URL/body.</summary>
    public void AssertNoSecretLeaked(IEnumerable<ExecutionEvent> events, params Exception?[] exceptions)
    {
        if (string.IsNullOrEmpty(ApiKey))
        {
            return;
        }

        foreach (var entry in Logs.Entries)
        {
            entry.AllText.Should().NotContain(ApiKey, "log entry {0} must not show the API key", entry.EventId);
        }

        foreach (var e in events)
        {
            e.ToString().Should().NotContain(ApiKey, "no event may show the API key");
        }

        foreach (var exception in exceptions)
        {
            (exception?.ToString() ?? "").Should().NotContain(ApiKey, "no exception may show the API key");
        }

        foreach (var request in Server.Requests)
        {
            (request.Path + request.Query).Should().NotContain(ApiKey, "the key never goes into a URL");
            request.Body.Should().NotContain(ApiKey);
            request.Headers.Where(h => !h.Key.Equals("x-goog-api-key", StringComparison.OrdinalIgnoreCase))
                .Should().NotContain(h => h.Value.Contains(ApiKey), "the key travels only in x-goog-api-key");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>One execution of the Gemini workflow.</summary>
internal sealed class GeminiRun(GeminiTestHost host, WorkflowExecution execution, EventRecorder recorder)
{
    private IReadOnlyList<ExecutionEvent>? _events;

    public WorkflowExecution Execution => execution;

    public EventRecorder Recorder => recorder;

    public IReadOnlyList<ExecutionEvent> Events => _events ?? throw new InvalidOperationException("The run has not completed.");

    public ExecutionEvent After => Events.Single(e => e.Is(ExecutionEventTypes.NodeExecutionAfter, GeminiTestHost.NodeName));

    public string? Status => After.Status();

    public string? Error => After.ErrorMessage();

    public JsonElement Output => After.Data.GetProperty("data");

    public IReadOnlyList<string?> Deltas => [.. Events.Where(e => e.Is(ExecutionEventTypes.NodeExecutionProgress, GeminiTestHost.NodeName))
        .Where(e => e.Data.GetProperty("data").TryGetProperty("delta", out _))
        .Select(e => e.Data.GetProperty("data").GetProperty("delta").GetString())];

    /// <summary>Gets the <c>retry</c> objects of the node's progress events, in order.</summary>
    public IReadOnlyList<JsonElement> Retries => [.. Events.Where(e => e.Is(ExecutionEventTypes.NodeExecutionProgress, GeminiTestHost.NodeName))
        .Select(e => e.Data.GetProperty("data"))
        .Where(d => d.TryGetProperty("retry", out _))
        .Select(d => d.GetProperty("retry"))];

    /// <summary>Waits for the end of the execution and its events, then checks that the key leaked nowhere.</summary>
    public async Task<IReadOnlyList<ExecutionEvent>> CompleteAsync()
    {
        await execution.Completion.WithTimeout("the execution to finish");
        _events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        host.AssertNoSecretLeaked(_events);
        return _events;
    }

    public Task<ExecutionEvent> WaitForProgressAsync(int count)
    {
        var seen = 0;
        return recorder.WaitForAsync(e => e.Is(ExecutionEventTypes.NodeExecutionProgress, GeminiTestHost.NodeName) && ++seen >= count);
    }
}
