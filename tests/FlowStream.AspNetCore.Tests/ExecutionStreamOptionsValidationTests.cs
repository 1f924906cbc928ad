using FlowStream.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowStream.AspNetCore.Tests;

/// <summary><c>AddExecutionStream</c> validates <see cref="ExecutionStreamOptions"/>: each bound, and the smallest value it allows.</summary>
public class ExecutionStreamOptionsValidationTests
{
    public static TheoryData<string, Action<ExecutionStreamOptions>> Invalid => new()
    {
        { "MaxRequestBodySize must be more than 0.", o => o.MaxRequestBodySize = 0 },
        { "HeartbeatInterval must be more than zero.", o => o.HeartbeatInterval = TimeSpan.Zero },
        { "MaxUnflushedBytes must be more than 0.", o => o.MaxUnflushedBytes = 0 },
        { "UserIdClaimType must name a claim.", o => o.UserIdClaimType = " " },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void AddExecutionStream_OptionOutOfRange_FailsValidationNamingIt(string message, Action<ExecutionStreamOptions> configure)
    {
        using var services = new ServiceCollection().AddFlowStream().AddExecutionStream(configure).Services.BuildServiceProvider();

        var act = () => services.GetRequiredService<IOptions<ExecutionStreamOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(message);
    }

    [Fact]
    public void AddExecutionStream_SmallestAllowedValues_AreValid()
    {
        using var services = new ServiceCollection().AddFlowStream().AddExecutionStream(o =>
        {
            o.MaxRequestBodySize = 1;
            o.HeartbeatInterval = TimeSpan.FromTicks(1);
            o.MaxUnflushedBytes = 1;
            o.UserIdClaimType = "sub";
        }).Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<ExecutionStreamOptions>>().Value;

        options.MaxRequestBodySize.Should().Be(1);
        options.MaxUnflushedBytes.Should().Be(1);
    }

    [Fact]
    public void AddExecutionStream_NullBuilder_ThrowsArgumentNullException()
    {
        var act = () => ExecutionStreamFlowStreamBuilderExtensions.AddExecutionStream(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("builder");
    }
}
