using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Issue 11's options of the endpoints: documented defaults, and out-of-range values stop the host naming the option.</summary>
public class ExecutionStreamOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new ExecutionStreamOptions();

        options.MaxStreamsPerExecution.Should().Be(100);
        options.TrustedOrigins.Should().BeEmpty();
        options.ExecutionTokenLifetime.Should().Be(TimeSpan.FromHours(24));
        options.DefaultShareTokenLifetime.Should().Be(TimeSpan.FromMinutes(15));
        options.MaxShareTokenLifetime.Should().Be(TimeSpan.FromHours(24));
        options.QuotaPartition.Should().BeNull();
    }

    [Theory]
    [InlineData(nameof(ExecutionStreamOptions.MaxStreamsPerExecution))]
    [InlineData(nameof(ExecutionStreamOptions.ExecutionTokenLifetime))]
    [InlineData(nameof(ExecutionStreamOptions.DefaultShareTokenLifetime))]
    [InlineData(nameof(ExecutionStreamOptions.MaxShareTokenLifetime))]
    [InlineData(nameof(ExecutionStreamOptions.TrustedOrigins))]
    public void OutOfRange_IsRejectedNamingTheOption(string option)
    {
        var services = new ServiceCollection();
        services.AddFlowStream().AddExecutionStream(o =>
        {
            switch (option)
            {
                case nameof(ExecutionStreamOptions.MaxStreamsPerExecution): o.MaxStreamsPerExecution = 0; break;
                case nameof(ExecutionStreamOptions.ExecutionTokenLifetime): o.ExecutionTokenLifetime = TimeSpan.Zero; break;
                case nameof(ExecutionStreamOptions.DefaultShareTokenLifetime): o.DefaultShareTokenLifetime = TimeSpan.Zero; break;
                case nameof(ExecutionStreamOptions.MaxShareTokenLifetime): o.MaxShareTokenLifetime = TimeSpan.FromMinutes(1); break;
                default: o.TrustedOrigins.Add("https://app.example/path"); break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<IOptions<ExecutionStreamOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>().WithMessage($"*{option}*");
    }
}
