using System.Buffers.Binary;
using System.Text;

namespace FragNet.Devices.Internal;

/// <summary>
/// A compiled filter and its interpreter. Jumps only go forward (the compiler emits them so), so a run ends after at
/// most <c>Length</c> steps; every load is bounds-checked against the captured bytes and a load past them rejects the
/// frame, as BPF returns 0; nothing allocates (the value stack is on the machine stack, sized at compile time).
/// </summary>
internal sealed class FilterProgram
{
    private readonly FilterInstruction[] _code; // ends in Return instructions; every jump target is > its source
    private readonly int _maxStack;             // deepest value stack any path needs

    public FilterProgram(FilterInstruction[] code, int maxStack)
    {
        _code = code;
        _maxStack = maxStack;
    }

    public int Length => _code.Length;

    /// <summary>True if the program is a constant reject (the expression reduced to false).</summary>
    public bool RejectsEverything => _code is [{ Code: FilterOpCode.Return, K: 0 }];

    /// <summary>Runs the program over <paramref name="frame"/> (the captured bytes) whose wire length is
    /// <paramref name="wireLength"/>; true to accept.</summary>
    public bool Run(ReadOnlySpan<byte> frame, uint wireLength)
    {
        FilterInstruction[] code = _code;
        Span<uint> stack = stackalloc uint[_maxStack];
        int sp = 0;
        int pc = 0;
        while (true)
        {
            ref readonly FilterInstruction insn = ref code[pc];
            switch (insn.Code)
            {
                case FilterOpCode.Return:
                    return insn.K != 0;

                case FilterOpCode.Jump:
                    pc = insn.JumpTrue;
                    continue;

                case FilterOpCode.PushConstant:
                    stack[sp++] = insn.K;
                    break;

                case FilterOpCode.PushLength:
                    stack[sp++] = wireLength;
                    break;

                case FilterOpCode.LoadAbsolute:
                    if (!TryLoad(frame, insn.K, insn.Sub, out uint value))
                    {
                        return false;
                    }

                    stack[sp++] = value;
                    break;

                case FilterOpCode.LoadIndirect:
                    if (!TryLoad(frame, (ulong)stack[sp - 1] + insn.K, insn.Sub, out stack[sp - 1]))
                    {
                        return false;
                    }

                    break;

                case FilterOpCode.LoadIpHeaderLength:
                    if (frame.Length <= FilterCompiler.EthernetHeaderLength)
                    {
                        return false;
                    }

                    stack[sp++] = (uint)(frame[FilterCompiler.EthernetHeaderLength] & 0xF) << 2;
                    break;

                case FilterOpCode.Alu:
                    sp--;
                    if (!TryAlu((FilterArithOp)insn.Sub, ref stack[sp - 1], stack[sp]))
                    {
                        return false;
                    }

                    break;

                case FilterOpCode.AluConstant:
                    if (!TryAlu((FilterArithOp)insn.Sub, ref stack[sp - 1], insn.K))
                    {
                        return false;
                    }

                    break;

                case FilterOpCode.Negate:
                    stack[sp - 1] = 0u - stack[sp - 1];
                    break;

                case FilterOpCode.Discard:
                    sp--;
                    break;

                case FilterOpCode.Compare:
                    sp -= 2;
                    pc = Holds((FilterRelation)insn.Sub, stack[sp], stack[sp + 1]) ? insn.JumpTrue : insn.JumpFalse;
                    continue;

                case FilterOpCode.CompareConstant:
                    sp--;
                    pc = Holds((FilterRelation)insn.Sub, stack[sp], insn.K) ? insn.JumpTrue : insn.JumpFalse;
                    continue;

                default:
                    return false;
            }

            pc++;
        }
    }

    /// <summary>A listing, one instruction a line, for tests and debugging.</summary>
    public string Disassemble()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _code.Length; i++)
        {
            sb.Append('(').Append(i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).Append(") ")
                .Append(_code[i].ToString()).Append('\n');
        }

        return sb.ToString();
    }

    private static bool TryLoad(ReadOnlySpan<byte> frame, ulong offset, int size, out uint value)
    {
        if (offset + (ulong)size > (ulong)frame.Length)
        {
            value = 0;
            return false;
        }

        ReadOnlySpan<byte> at = frame[(int)offset..];
        value = size switch
        {
            1 => at[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(at),
            _ => BinaryPrimitives.ReadUInt32BigEndian(at),
        };
        return true;
    }

    private static bool TryAlu(FilterArithOp op, ref uint a, uint b)
    {
        switch (op)
        {
            case FilterArithOp.Add:
                a += b;
                return true;
            case FilterArithOp.Sub:
                a -= b;
                return true;
            case FilterArithOp.Mul:
                a *= b;
                return true;
            case FilterArithOp.Div:
                if (b == 0)
                {
                    return false; // BPF: a division by zero rejects the packet
                }

                a /= b;
                return true;
            case FilterArithOp.Mod:
                if (b == 0)
                {
                    return false;
                }

                a %= b;
                return true;
            case FilterArithOp.And:
                a &= b;
                return true;
            case FilterArithOp.Or:
                a |= b;
                return true;
            case FilterArithOp.Xor:
                a ^= b;
                return true;
            case FilterArithOp.ShiftLeft:
                a = b < 32 ? a << (int)b : 0; // libpcap's bpf_filter: shifting everything out gives 0
                return true;
            default:
                a = b < 32 ? a >> (int)b : 0;
                return true;
        }
    }

    private static bool Holds(FilterRelation op, uint a, uint b) => op switch
    {
        FilterRelation.Equal => a == b,
        FilterRelation.NotEqual => a != b,
        FilterRelation.Less => a < b,
        FilterRelation.LessEqual => a <= b,
        FilterRelation.Greater => a > b,
        _ => a >= b,
    };
}
