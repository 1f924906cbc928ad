using System.Net;
using FlowStream.Client.Tests.Infrastructure;

namespace FlowStream.Client.Tests;

/// <summary>
/// Which answers to a re-attach are worth another try: 408, 429 and 5xx are transient (the client tries again and the stream goes
/// on); every other 4xx is final (thrown at once, with the problem). The browser client (flowstream.js) follows the same rule.
/// </summary>
public sealed class ExecutionStreamClientTransientTests
{
    private const string StartStream = "POST /executions/stream";
    private const string Attach42 = "GET /executions/42/stream";

    private static readonly ExecutionStreamClientOptions s_noDelay = new() { InitialReconnectDelay = TimeSpan.Zero, MaxReconnectDelay = TimeSpan.Zero };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task ReattachAnsweredTransiently_TriesAgainAndDeliversEveryEventOnce(HttpStatusCode status)
    {
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 2, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, Respond.Problem(status, "urn:test:transient", "Try again"), Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6);
        server.RequestsTo(Attach42).Select(r => r.LastEventId).Should().Equal(["2", "2"], "{0} is transient: the client re-attaches again from the same event", (int)status);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.Gone)]
    public async Task ReattachAnsweredWithAnotherClientError_ThrowsAtOnceWithTheProblem(HttpStatusCode status)
    {
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 2, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, Respond.Problem(status, "urn:test:final", "Final"), Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);
        var read = new List<ExecutionEvent>();

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server, read);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.StatusCode.Should().Be(status);
        error.ProblemType.Should().Be("urn:test:final");
        read.Select(e => e.Id).Should().Equal(1, 2);
        server.RequestsTo(Attach42).Should().ContainSingle("{0} is final", (int)status);
    }
}
