using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SharedChannels.Coordination.Internal;

/// <summary>Node ids: the configured one, or one made of the machine name, the process id and a random suffix.</summary>
internal static partial class NodeIds
{
    /// <summary>The longest node id.</summary>
    public const int MaxLength = 128;

    /// <summary>Gets whether a configured node id can be used: letters, digits and <c>. _ - : @</c>, at most 128 characters.</summary>
    public static bool IsValid(string nodeId) => Allowed().IsMatch(nodeId);

    /// <summary>Makes a node id unique to this process: <c>{machine}-{pid}-{6 random hex digits}</c>.</summary>
    public static string Generate()
    {
        var machine = new StringBuilder();
        foreach (char c in Environment.MachineName)
        {
            machine.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
            if (machine.Length == 64)
            {
                break;
            }
        }

        string host = machine.Length == 0 ? "node" : machine.ToString();
        return $"{host}-{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
    }

    [GeneratedRegex("^[A-Za-z0-9._:@-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex Allowed();
}
