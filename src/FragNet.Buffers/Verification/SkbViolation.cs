namespace FragNet.Buffers.Verification;

/// <summary>A broken rule found by the checker.</summary>
/// <param name="Step">Zero-based index of the step that broke it.</param>
/// <param name="Operation">That step.</param>
/// <param name="Message">What was wrong.</param>
/// <param name="Reproduce">A sequence of steps that reproduces it (shrunk when the run was short enough).</param>
public sealed record SkbViolation(int Step, string Operation, string Message, IReadOnlyList<string> Reproduce);
