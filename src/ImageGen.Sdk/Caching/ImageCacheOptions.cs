using System.Globalization;

namespace ImageGen.Sdk;

/// <summary>Options of the cache layer (<c>ImageGeneration:Cache</c>).</summary>
public sealed class ImageCacheOptions
{
    /// <summary>The default <see cref="MaxSizeBytes"/> of the memory backend: 256 MiB.</summary>
    public const long DefaultMemoryMaxSizeBytes = 256L * 1024 * 1024;

    /// <summary>The default <see cref="MaxSizeBytes"/> of the file-system backend: 2 GiB.</summary>
    public const long DefaultFileSystemMaxSizeBytes = 2L * 1024 * 1024 * 1024;

    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    /// <summary>Gets or sets where cached images are kept.</summary>
    /// <value><see cref="ImageCacheBackend.Memory"/>.</value>
    public ImageCacheBackend Backend { get; set; } = ImageCacheBackend.Memory;

    /// <summary>Gets or sets how long an entry is served as fresh.</summary>
    /// <value>1 hour.</value>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the most bytes the cache keeps; least recently used entries are evicted beyond it.</summary>
    /// <value><see langword="null"/>: 256 MiB for memory, 2 GiB for the file system (ignored by the distributed backend).</value>
    public long? MaxSizeBytes { get; set; }

    /// <summary>Gets or sets the directory of the file-system backend.</summary>
    /// <value>
    /// <see langword="null"/>: the user's cache folder (<see cref="DefaultDirectory"/>): <c>~/.cache/imagegen</c> on
    /// Linux, <c>~/Library/Caches/imagegen</c> on macOS (on both, <c>$XDG_CACHE_HOME/imagegen</c> when that variable
    /// holds an absolute path), <c>%LOCALAPPDATA%\imagegen\cache</c> on Windows.
    /// </value>
    public string? Directory { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether an expired entry is served (marked <see cref="ImageGenerationResult.IsStale"/>)
    /// when the provider fails with a transient, rate-limit, quota or unavailable error.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool ServeStaleOnError { get; set; } = true;

    /// <summary>Gets or sets how long after expiry an entry is kept for <see cref="ServeStaleOnError"/>.</summary>
    /// <value>7 days.</value>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Gets or sets a value indicating whether requests for more than one image are cached and coalesced.
    /// Off by default because asking for several images usually asks for variety.
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool CacheMultipleImages { get; set; }

    /// <summary>Gets or sets a prefix mixed into every key, to separate applications or tenants sharing one store.</summary>
    /// <value><see langword="null"/> (no prefix).</value>
    public string? KeyPrefix { get; set; }

    /// <summary>Gets or sets the shortest interval between two warnings about store failures (disk full, cache server down).</summary>
    /// <value>1 minute.</value>
    public TimeSpan StoreFailureLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets the default directory of the file-system backend for the current user: <c>%LOCALAPPDATA%\imagegen\cache</c>
    /// on Windows; elsewhere <c>$XDG_CACHE_HOME/imagegen</c> when that variable holds an absolute path, else
    /// <c>~/Library/Caches/imagegen</c> on macOS and <c>~/.cache/imagegen</c> on Linux.
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "imagegen", "cache");
            }

            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
            {
                return Path.Combine(xdg, "imagegen");
            }

            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return OperatingSystem.IsMacOS()
                ? Path.Combine(home, "Library", "Caches", "imagegen")
                : Path.Combine(home, ".cache", "imagegen");
        }
    }

    /// <summary>Gets the size limit in force for the selected backend.</summary>
    /// <returns><see cref="MaxSizeBytes"/>, or the backend's default.</returns>
    public long GetEffectiveMaxSizeBytes()
        => MaxSizeBytes ?? (Backend == ImageCacheBackend.FileSystem ? DefaultFileSystemMaxSizeBytes : DefaultMemoryMaxSizeBytes);

    /// <summary>Gets the directory in force for the file-system backend.</summary>
    /// <returns><see cref="Directory"/>, or <see cref="DefaultDirectory"/>.</returns>
    public string GetEffectiveDirectory() => string.IsNullOrWhiteSpace(Directory) ? DefaultDirectory : Directory;

    /// <summary>Checks the options; each message names the configuration key.</summary>
    /// <param name="path">The configuration path of these options, for example <c>ImageGeneration:Cache</c>.</param>
    /// <param name="errors">Receives one message per problem.</param>
    internal void Validate(string path, ICollection<string> errors)
    {
        if (!Enum.IsDefined(Backend))
        {
            errors.Add($"{path}:Backend '{Backend}' is not one of {string.Join(", ", Enum.GetNames<ImageCacheBackend>())}.");
        }

        if (Ttl <= TimeSpan.Zero || Ttl > MaxDuration)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:Ttl must be greater than 00:00:00 and at most 365 days; it was {Ttl}."));
        }

        if (MaxStaleness < TimeSpan.Zero || MaxStaleness > MaxDuration)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:MaxStaleness must be between 00:00:00 and 365 days; it was {MaxStaleness}."));
        }

        if (MaxSizeBytes is <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:MaxSizeBytes must be positive; it was {MaxSizeBytes}."));
        }

        if (StoreFailureLogInterval <= TimeSpan.Zero)
        {
            errors.Add($"{path}:StoreFailureLogInterval must be greater than 00:00:00.");
        }

        if (KeyPrefix is { Length: > 256 })
        {
            errors.Add($"{path}:KeyPrefix must be at most 256 characters.");
        }

        if (Backend == ImageCacheBackend.FileSystem && !string.IsNullOrWhiteSpace(Directory)
            && (Directory.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0 || !Path.IsPathFullyQualified(Path.GetFullPath(Directory))))
        {
            errors.Add($"{path}:Directory '{Directory}' is not a valid directory path.");
        }
    }
}
