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

        // Execution tokens are Data Protection payloads: hosts that share a key ring check each other's tokens.
        builder.Services.AddDataProtection();
        var options = builder.Services.AddOptions<ExecutionStreamOptions>()
            .Validate(o => o.MaxRequestBodySize > 0, $"{nameof(ExecutionStreamOptions.MaxRequestBodySize)} must be more than 0.")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero, $"{nameof(ExecutionStreamOptions.HeartbeatInterval)} must be more than zero.")
            .Validate(o => o.MaxUnflushedBytes > 0, $"{nameof(ExecutionStreamOptions.MaxUnflushedBytes)} must be more than 0.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.UserIdClaimType), $"{nameof(ExecutionStreamOptions.UserIdClaimType)} must name a claim.")
            .Validate(o => o.MaxStreamsPerExecution >= 1, $"{nameof(ExecutionStreamOptions.MaxStreamsPerExecution)} must be at least 1.")
            .Validate(o => o.ExecutionTokenLifetime > TimeSpan.Zero, $"{nameof(ExecutionStreamOptions.ExecutionTokenLifetime)} must be more than zero.")
            .Validate(o => o.DefaultShareTokenLifetime > TimeSpan.Zero, $"{nameof(ExecutionStreamOptions.DefaultShareTokenLifetime)} must be more than zero.")
            .Validate(o => o.MaxShareTokenLifetime >= o.DefaultShareTokenLifetime, $"{nameof(ExecutionStreamOptions.MaxShareTokenLifetime)} must be at least {nameof(ExecutionStreamOptions.DefaultShareTokenLifetime)}.")
            .Validate(o => o.TrustedOrigins.All(origin => Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/"), $"Each of {nameof(ExecutionStreamOptions.TrustedOrigins)} must be an origin such as 'https://example.com'.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder;
    }
}
