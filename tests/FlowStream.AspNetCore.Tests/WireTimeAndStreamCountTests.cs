using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.WireContract;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Against AspNetCore mutation survivors: every digit of a wire timestamp, and the per-execution stream count given back.</summary>
public class WireTimeAndStreamCountTests
{
    [Theory]
    [InlineData(1987, 6, 5, 4, 3, 2, 789, "1987-06-05T04:03:02.789Z")]
    [InlineData(2026, 12, 31, 23, 59, 58, 40, "2026-12-31T23:59:58.040Z")]
    [InlineData(2000, 1, 1, 0, 0, 0, 0, "2000-01-01T00:00:00.000Z")]
    public void WireTime_WritesEveryDigit(int year, int month, int day, int hour, int minute, int second, int ms, string expected)
    {
        var time = new DateTimeOffset(year, month, day, hour, minute, second, ms, TimeSpan.Zero);

        WireTime.ToString(time).Should().Be(expected);
        WireTime.TryParse(expected, out var parsed).Should().BeTrue();
        parsed.Should().Be(time);
    }

    [Fact]
    public async Task StreamsThatEnded_GiveTheirPlaceBack_UnderMaxStreamsPerExecution()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.MaxStreamsPerExecution = 1);
        using var started = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "two"}"""), Ct).WithTimeout("the start");
        var id = started.Headers.GetValues("X-Execution-Id").Single();
        var token = started.Headers.GetValues("FlowStream-Token").Single();
        await server.WaitForCompletionAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));

        // One at a time, each read to its end: the one place is given back each time (the count is released before the response ends).
        for (var i = 0; i < 3; i++)
        {
            var request = Http.Get($"/executions/{id}/stream");
            request.Headers.Add("FlowStream-Token", token);
            using var response = await server.Client.SendAsync(request, Ct).WithTimeout($"stream {i + 1}");
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"stream {i + 1} starts after the previous one ended");
            (await response.Content.ReadAsStringAsync(Ct)).Should().Contain("executionFinished");
        }
    }
}
