using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// An ARP request or reply for IPv4 over Ethernet (RFC 826), the only combination this stack resolves.
/// </summary>
/// <param name="Operation">Request or reply.</param>
/// <param name="SenderHardwareAddress">The sender's MAC address (ar$sha).</param>
/// <param name="SenderProtocolAddress">The sender's IPv4 address (ar$spa).</param>
/// <param name="TargetHardwareAddress">The target's MAC address (ar$tha); zero in a request.</param>
/// <param name="TargetProtocolAddress">The IPv4 address asked about (ar$tpa).</param>
public readonly record struct ArpRepr(
    ArpOperation Operation,
    EthernetAddress SenderHardwareAddress,
    Ipv4Address SenderProtocolAddress,
    EthernetAddress TargetHardwareAddress,
    Ipv4Address TargetProtocolAddress)
{
    /// <summary>Bytes of the packet <see cref="Emit"/> writes: always 28.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Every repr has the same instance shape: HeaderLength, BufferLength, Emit.")]
    public int HeaderLength => ArpField.EthernetIpv4Length;

    /// <summary>Bytes <see cref="Emit"/> needs: always 28.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Every repr has the same instance shape: HeaderLength, BufferLength, Emit.")]
    public int BufferLength => ArpField.EthernetIpv4Length;

    /// <summary>Reads an Ethernet/IPv4 request or reply. False with <see cref="DropReason.UnknownLinkProtocol"/> for
    /// another hardware type, protocol type or address length, and <see cref="DropReason.Malformed"/> for an opcode
    /// other than request or reply (RARP and InARP are not spoken here).</summary>
    public static bool TryParse(ArpPacket packet, out ArpRepr repr, out DropReason reason)
    {
        repr = default;
        if (packet.HardwareType != ArpField.HardwareTypeEthernet || packet.ProtocolType != EtherType.Ipv4
            || packet.HardwareLength != EthernetAddress.Size || packet.ProtocolLength != Ipv4Address.Size)
        {
            reason = DropReason.UnknownLinkProtocol;
            return false;
        }

        ArpOperation op = packet.Operation;
        if (op is not (ArpOperation.Request or ArpOperation.Reply))
        {
            reason = DropReason.Malformed;
            return false;
        }

        repr = new ArpRepr(
            op,
            new EthernetAddress(packet.SenderHardwareAddress),
            new Ipv4Address(packet.SenderProtocolAddress),
            new EthernetAddress(packet.TargetHardwareAddress),
            new Ipv4Address(packet.TargetProtocolAddress));
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Writes the 28-byte packet at the start of <paramref name="buffer"/>.</summary>
    /// <exception cref="ArgumentException">The buffer is shorter than 28 bytes.</exception>
    public void Emit(Span<byte> buffer)
    {
        if (buffer.Length < ArpField.EthernetIpv4Length)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(buffer), ArpField.EthernetIpv4Length, buffer.Length);
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpField.HardwareType..], ArpField.HardwareTypeEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpField.ProtocolType..], (ushort)EtherType.Ipv4);
        buffer[ArpField.HardwareLength] = EthernetAddress.Size;
        buffer[ArpField.ProtocolLength] = Ipv4Address.Size;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpField.Operation..], (ushort)Operation);
        SenderHardwareAddress.CopyTo(buffer[ArpField.SenderHardwareAddress..]);
        SenderProtocolAddress.CopyTo(buffer[ArpField.SenderProtocolAddress..]);
        TargetHardwareAddress.CopyTo(buffer[ArpField.TargetHardwareAddress..]);
        TargetProtocolAddress.CopyTo(buffer[ArpField.TargetProtocolAddress..]);
    }
}
