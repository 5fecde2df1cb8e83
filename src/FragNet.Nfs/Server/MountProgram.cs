using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Server;

/// <summary>
/// The MOUNT version 3 program (RFC 1813 appendix I): one export, the backend's root, under a configured path.
/// </summary>
/// <remarks>
/// MNT of the export path (trailing slashes ignored) returns the root's handle and the flavors AUTH_SYS and AUTH_NONE
/// and records the client in the mount list; any other path is MNT3ERR_NOENT (subdirectories are not exported
/// separately). DUMP lists the mount list, UMNT and UMNTALL remove the caller's entries (the list is advisory, RFC 1813
/// §5.2.2), EXPORT lists the one export with no group restriction. Clients are named by their IPv4 address, as
/// Linux's mountd does in rmtab.
/// </remarks>
public sealed class MountProgram : IRpcProgram
{
    /// <summary>The default export path.</summary>
    public const string DefaultExportPath = "/export";

    private readonly INfsBackend _backend;
    private readonly FileHandleCodec _handles;
    private readonly List<MountEntry3> _mounts = [];

    /// <summary>A program exporting <paramref name="backend"/>'s root as <paramref name="exportPath"/>, its handle
    /// made by <paramref name="handles"/> (share it with the <see cref="Nfs3Program"/>).</summary>
    public MountProgram(INfsBackend backend, FileHandleCodec handles, string exportPath = DefaultExportPath)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(handles);
        ArgumentException.ThrowIfNullOrEmpty(exportPath);
        _backend = backend;
        _handles = handles;
        ExportPath = Normalize(exportPath);
    }

    /// <summary>The path clients mount.</summary>
    public string ExportPath { get; }

    /// <summary>Who has mounted what (DUMP's answer).</summary>
    public IReadOnlyList<MountEntry3> Mounts => _mounts;

    /// <inheritdoc/>
    public uint Program => MountConstants.Program;

    /// <inheritdoc/>
    public uint LowVersion => MountConstants.Version;

    /// <inheritdoc/>
    public uint HighVersion => MountConstants.Version;

    /// <inheritdoc/>
    /// <remarks>All of MOUNT is idempotent here: MNT returns the same handle and the mount list is a set.</remarks>
    public bool IsIdempotent(uint version, uint procedure) => procedure <= (uint)MountProcedure.Export;

    /// <inheritdoc/>
    public RpcAcceptStat Dispatch(RpcCallContext context, ref XdrReader arguments, XdrBuf results)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(results);
        var procedure = (MountProcedure)context.Header.Procedure;
        if (procedure > MountProcedure.Export)
        {
            return RpcAcceptStat.ProcedureUnavailable;
        }

        DirPath3Args? path = null;
        if (procedure is MountProcedure.Mnt or MountProcedure.Umnt)
        {
            path = DirPath3Args.Decode(ref arguments);
        }

        arguments.ExpectEnd();
        if (!arguments.IsValid)
        {
            return RpcAcceptStat.GarbageArgs;
        }

        string host = context.Client.Address.ToString();
        switch (procedure)
        {
            case MountProcedure.Mnt:
                Mnt(host, path!.Path).Encode(results);
                break;
            case MountProcedure.Dump:
                new MountList3Result(_mounts.ToArray()).Encode(results);
                break;
            case MountProcedure.Umnt:
                _mounts.Remove(new MountEntry3(host, Normalize(path!.Path)));
                break;
            case MountProcedure.UmntAll:
                _mounts.RemoveAll(m => m.HostName == host);
                break;
            case MountProcedure.Export:
                new Exports3Result([new ExportNode3(ExportPath, [])]).Encode(results);
                break;
            default:
                break; // NULL: void results
        }

        return RpcAcceptStat.Success;
    }

    private Mnt3Result Mnt(string host, string path)
    {
        if (Normalize(path) != ExportPath)
        {
            return Mnt3Result.Failure(MountStatus3.NoEnt);
        }

        var entry = new MountEntry3(host, ExportPath);
        if (!_mounts.Contains(entry))
        {
            _mounts.Add(entry);
        }

        return new Mnt3Result(MountStatus3.Ok, _handles.Encode(_backend.Root), [AuthFlavor.Sys, AuthFlavor.None]);
    }

    private static string Normalize(string path)
    {
        string trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }
}
