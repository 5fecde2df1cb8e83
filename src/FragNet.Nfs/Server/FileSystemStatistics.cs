namespace FragNet.Nfs.Server;

/// <summary>The dynamic state FSSTAT reports (RFC 1813 §3.3.18).</summary>
/// <param name="TotalBytes">Size of the file system.</param>
/// <param name="FreeBytes">Free bytes.</param>
/// <param name="AvailableBytes">Free bytes a caller may use.</param>
/// <param name="TotalFiles">File slots.</param>
/// <param name="FreeFiles">Free file slots.</param>
/// <param name="AvailableFiles">Free file slots a caller may use.</param>
public readonly record struct FileSystemStatistics(
    ulong TotalBytes, ulong FreeBytes, ulong AvailableBytes, ulong TotalFiles, ulong FreeFiles, ulong AvailableFiles);
