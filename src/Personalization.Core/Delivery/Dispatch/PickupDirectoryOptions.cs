namespace Personalization.Delivery.Dispatch;

/// <summary>Where <see cref="PickupDirectoryDispatcher"/> writes emails.</summary>
public sealed class PickupDirectoryOptions
{
    /// <summary>The directory that receives one <c>.eml</c> file per email; created when missing.</summary>
    /// <value>The default is <see langword="null"/>; it must be set.</value>
    public string? Directory { get; set; }

    /// <summary>Every bad setting with its value; empty when the options are usable.</summary>
    internal List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add($"Directory must be a directory path; it is '{Directory}'.");
        }
        else if (Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"Directory must be a valid path; '{Directory}' has characters a path cannot have.");
        }

        return errors;
    }
}
