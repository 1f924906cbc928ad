using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FlowStream.Nodes.Gemini.DependencyInjection;

/// <summary>
/// Binds <see cref="GeminiOptions"/> from the <c>FlowStream:Gemini</c> section when an <see cref="IConfiguration"/> is registered,
/// and does nothing otherwise. (<c>OptionsBuilder.BindConfiguration</c> would require an <see cref="IConfiguration"/>: a plain
/// <c>ServiceCollection</c> without one could then not resolve the options at all.)
/// </summary>
internal sealed class GeminiConfigurationSetup(IServiceProvider services) : IConfigureOptions<GeminiOptions>
{
    public void Configure(GeminiOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is IConfiguration configuration)
        {
            configuration.GetSection(GeminiOptions.SectionName).Bind(options);
        }
    }

    /// <summary>Reloads the options when the configuration changes, when there is a configuration.</summary>
    public static IOptionsChangeTokenSource<GeminiOptions> CreateChangeTokenSource(IServiceProvider services)
        => services.GetService(typeof(IConfiguration)) is IConfiguration configuration
            ? new ConfigurationChangeTokenSource<GeminiOptions>(Options.DefaultName, configuration)
            : new NoChangeTokenSource();

    private sealed class NoChangeTokenSource : IOptionsChangeTokenSource<GeminiOptions>
    {
        public string Name => Options.DefaultName;

        public IChangeToken GetChangeToken() => NeverChangeToken.Instance;
    }

    private sealed class NeverChangeToken : IChangeToken, IDisposable
    {
        public static readonly NeverChangeToken Instance = new();

        public bool HasChanged => false;

        public bool ActiveChangeCallbacks => false;

        public IDisposable RegisterChangeCallback(Action<object?> callback, object? state) => this;

        public void Dispose()
        {
        }
    }
}
