namespace FlowStream.Testing;

/// <summary>Paths in the repository, found from the test binaries upwards (shared by the test projects as a linked file).</summary>
internal static class RepositoryPaths
{
    /// <summary>Gets the folder that holds FlowStream.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FlowStream.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FlowStream.sln not found above " + AppContext.BaseDirectory);
    }
}
