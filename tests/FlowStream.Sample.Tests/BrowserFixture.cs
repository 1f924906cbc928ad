using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>
/// One headless Debian Chromium for the browser tests, driven by Playwright through <c>ExecutablePath</c>
/// (Playwright cannot download its own browsers here).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] s_arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    /// <summary>Gets why there is no browser, when there is none.</summary>
    public string? Missing { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var executable = FindChromium();
        if (executable is null)
        {
            Missing = "No Chromium found: install Debian's 'chromium' (apt-get install -y chromium) or set FLOWSTREAM_CHROMIUM to a Chromium binary.";
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = s_arguments,
        });
    }

    /// <summary>Skips the test when no Chromium exists and CI is not set; under CI a missing browser fails the test.</summary>
    public IBrowser RequireBrowser()
    {
        if (Browser is not null)
        {
            return Browser;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(Missing + " Under CI the browser tests must run.");
        }

        Assert.Skip(Missing!);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static string? FindChromium()
    {
        var configured = Environment.GetEnvironmentVariable("FLOWSTREAM_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
        {
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
