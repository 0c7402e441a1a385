/** The extra roles the bench configures: `bench-1` … `bench-N` in one account. */
export function benchRoleArn(i: number): string {
  return `arn:aws:iam::123456789012:role/bench-${i}`;
}

export function benchRoleArns(count: number): string[] {
  return Array.from({ length: count }, (_, i) => benchRoleArn(i + 1));
}
