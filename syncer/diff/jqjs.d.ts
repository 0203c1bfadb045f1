// @michaelhomer/jqjs ships no types: the part Slipway uses.
declare module '@michaelhomer/jqjs' {
  type Filter = (input: unknown) => Iterable<unknown>;
  const jq: { compile(program: string): Filter };
  export default jq;
}
