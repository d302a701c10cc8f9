using Microsoft.Extensions.Options;

namespace SharedChannels.Http.Internal;

/// <summary>Validates <see cref="HttpRemoteTransportOptions"/> at start-up; each failure says what to fix.</summary>
internal sealed class HttpRemoteTransportOptionsValidator : IValidateOptions<HttpRemoteTransportOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpRemoteTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxResponseBytes < 1)
        {
            failures.Add($"HttpRemoteTransportOptions.MaxResponseBytes ({options.MaxResponseBytes}) must be at least 1; the default is {HttpRemoteTransportOptions.DefaultMaxResponseBytes}.");
        }

        if (options.Timeout <= TimeSpan.Zero && options.Timeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"HttpRemoteTransportOptions.Timeout ({options.Timeout}) must be greater than zero, or Timeout.InfiniteTimeSpan to turn the backstop off.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
