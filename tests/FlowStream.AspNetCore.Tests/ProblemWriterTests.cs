using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Problem details read as written: no <c>\u0027</c>-style escapes for apostrophes, quotes or non-ASCII text.</summary>
public class ProblemWriterTests
{
    [Fact]
    public async Task ProblemDetails_KeepApostrophesAndNonAsciiAsTheyAre()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post("/executions/stream", """{"flowId": "café's"}"""), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var raw = await response.Content.ReadAsStringAsync(Ct);
        raw.Should().Contain("Flow 'café's' was not found.").And.NotContain("\\u0027").And.NotContain("\\u00E9");
    }
}
