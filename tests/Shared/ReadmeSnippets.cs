using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FlowStream.Testing;

/// <summary>
/// Reads code blocks from README.md and compiles C# ones as the project a reader would paste them into (a console or web app
/// with its template's implicit usings), against the assemblies this test runs with (shared by the test projects as a linked file).
/// </summary>
internal static class ReadmeSnippets
{
    /// <summary>The implicit usings of <c>dotnet new console</c> (Microsoft.NET.Sdk).</summary>
    public static readonly string[] ConsoleUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>The implicit usings of <c>dotnet new web</c> (Microsoft.NET.Sdk.Web).</summary>
    public static readonly string[] WebUsings =
    [
        .. ConsoleUsings, "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    public static string Readme => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");

    /// <summary>The code blocks of <paramref name="language"/> in the README section whose heading is <paramref name="heading"/>.</summary>
    public static IReadOnlyList<string> Blocks(string heading, string language)
    {
        var lines = Readme.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimStart('#').Trim() == heading && l.StartsWith('#'));
        if (start < 0)
        {
            throw new InvalidOperationException($"README.md has no section '{heading}'.");
        }

        var level = lines[start].TakeWhile(c => c == '#').Count();
        var blocks = new List<string>();
        for (var i = start + 1; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#') && lines[i].TakeWhile(c => c == '#').Count() <= level)
            {
                break;
            }

            if (lines[i] == "```" + language)
            {
                var end = Array.FindIndex(lines, i + 1, l => l == "```");
                blocks.Add(string.Join("\n", lines[(i + 1)..end]));
                i = end;
            }
        }

        return blocks;
    }

    /// <summary>Compiles <paramref name="code"/> (top-level statements) into an assembly, or throws with the compiler's errors.</summary>
    public static Assembly Compile(string code, IEnumerable<string> implicitUsings, string name)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var globalUsings = string.Join("\n", implicitUsings.Select(u => $"global using global::{u};"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(code, parse, "Program.cs"), CSharpSyntaxTree.ParseText(globalUsings, parse, "GlobalUsings.g.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || d.IsWarningAsError).ToList();
        if (!result.Success || errors.Count > 0)
        {
            throw new InvalidOperationException("The README's code does not compile as pasted:\n" + string.Join("\n", errors) + "\n\n" + code);
        }

        return Assembly.Load(output.ToArray());
    }

    /// <summary>Runs a compiled program's entry point with Console.Out captured, and returns what it printed.</summary>
    public static async Task<string> RunAsync(Assembly program)
    {
        var entry = program.EntryPoint ?? throw new InvalidOperationException("No entry point.");
        var captured = new StringWriter(new StringBuilder());
        var original = Console.Out;
        Console.SetOut(captured);
        try
        {
            var result = entry.Invoke(null, entry.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
            if (result is Task task)
            {
                await task;
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        return captured.ToString();
    }
}
