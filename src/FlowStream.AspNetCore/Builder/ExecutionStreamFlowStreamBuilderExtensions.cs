using FlowStream;
using FlowStream.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the endpoints of <c>MapExecutionStream()</c>.</summary>
public static class ExecutionStreamFlowStreamBuilderExtensions
{
    /// <summary>Configures <see cref="ExecutionStreamOptions"/> (inline workflows, body limit, heartbeat, ownership claim, disconnect behaviour).</summary>
    /// <param name="builder">The builder returned by <c>AddFlowStream()</c>.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static FlowStreamBuilder AddExecutionStream(this FlowStreamBuilder builder, Action<ExecutionStreamOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ExecutionStreamOptions>()
            .Validate(o => o.MaxRequestBodySize > 0, $"{nameof(ExecutionStreamOptions.MaxRequestBodySize)} must be more than 0.")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero, $"{nameof(ExecutionStreamOptions.HeartbeatInterval)} must be more than zero.")
            .Validate(o => o.MaxUnflushedBytes > 0, $"{nameof(ExecutionStreamOptions.MaxUnflushedBytes)} must be more than 0.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.UserIdClaimType), $"{nameof(ExecutionStreamOptions.UserIdClaimType)} must name a claim.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder;
    }
}
