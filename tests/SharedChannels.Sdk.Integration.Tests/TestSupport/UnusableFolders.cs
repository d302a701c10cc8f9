namespace SharedChannels.Integration.Tests.TestSupport;

/// <summary>Data folders a sample host cannot use, under a temporary root the caller deletes.</summary>
internal static class UnusableFolders
{
    /// <summary>A path where the folder should be, taken by a regular file.</summary>
    public static string FileInItsPlace(string root)
    {
        string path = Path.Combine(root, "data");
        File.WriteAllText(path, "not a folder");
        return path;
    }

    /// <summary>
    /// A folder that exists but cannot be written (mode 0555). Permissions do not stop root, which CI containers often
    /// are: then, a folder under a regular file instead, which no one can create.
    /// </summary>
    public static string ReadOnly(string root)
    {
        string path = Path.Combine(root, "read-only");
        Directory.CreateDirectory(path);
        if (OperatingSystem.IsWindows())
        {
            return UnderAFile(root);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            File.WriteAllText(Path.Combine(path, "probe"), "");
        }
        catch (UnauthorizedAccessException)
        {
            return path;
        }

        File.Delete(Path.Combine(path, "probe"));
        return UnderAFile(root);
    }

    /// <summary>Makes everything under <paramref name="root"/> writable again and deletes it.</summary>
    public static void Delete(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            foreach (string folder in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Directory.Delete(root, recursive: true);
    }

    private static string UnderAFile(string root)
    {
        string file = Path.Combine(root, "a-file");
        File.WriteAllText(file, "not a folder");
        return Path.Combine(file, "data");
    }
}
