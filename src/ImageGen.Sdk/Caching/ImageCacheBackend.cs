namespace ImageGen.Sdk;

/// <summary>Where cached images are kept (<c>ImageGeneration:Cache:Backend</c>).</summary>
public enum ImageCacheBackend
{
    /// <summary>In-process memory (<see cref="Caching.MemoryImageCacheStore"/>), bounded by bytes. The default.</summary>
    Memory = 0,

    /// <summary>A directory on disk (<see cref="Caching.FileSystemImageCacheStore"/>), shared by processes and kept across restarts.</summary>
    FileSystem,

    /// <summary>The <c>IDistributedCache</c> the application registered (Redis, SQL Server, ...).</summary>
    Distributed,

    /// <summary>No caching: the caching layer is left out of the stack.</summary>
    None,
}
