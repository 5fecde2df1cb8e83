using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Rpc;

/// <summary><c>authsys_parms</c> (RFC 5531 appendix A): the Unix-style credential.</summary>
public sealed record AuthSysParameters(uint Stamp, string MachineName, uint Uid, uint Gid, IReadOnlyList<uint> Gids)
{
    /// <summary>Equal fields, groups compared element by element.</summary>
    public bool Equals(AuthSysParameters? other) =>
        other is not null && Stamp == other.Stamp && MachineName == other.MachineName && Uid == other.Uid && Gid == other.Gid && Gids.SequenceEqual(other.Gids);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Stamp);
        h.Add(MachineName);
        h.Add(Uid);
        h.Add(Gid);
        foreach (uint g in Gids)
        {
            h.Add(g);
        }

        return h.ToHashCode();
    }

    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Gids.Count > RpcConstants.MaxAuthSysGroups)
        {
            throw new ArgumentException($"AUTH_SYS carries at most {RpcConstants.MaxAuthSysGroups} groups", nameof(writer));
        }

        writer.WriteUInt32(Stamp);
        writer.WriteString(MachineName);
        writer.WriteUInt32(Uid);
        writer.WriteUInt32(Gid);
        writer.WriteUInt32((uint)Gids.Count);
        foreach (uint g in Gids)
        {
            writer.WriteUInt32(g);
        }
    }

    public static AuthSysParameters Decode(ref XdrReader reader)
    {
        uint stamp = reader.ReadUInt32();
        string machine = reader.ReadString(RpcConstants.MaxMachineName);
        uint uid = reader.ReadUInt32();
        uint gid = reader.ReadUInt32();
        int n = reader.ReadCount(RpcConstants.MaxAuthSysGroups);
        uint[] gids = new uint[n];
        for (int i = 0; i < n; i++)
        {
            gids[i] = reader.ReadUInt32();
        }

        return new AuthSysParameters(stamp, machine, uid, gid, gids);
    }
}
