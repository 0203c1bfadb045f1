// What a tree view shows of one element, free of `vscode`: the adapter turns it into a TreeItem, the tests and
// the benchmark read it as it is.

/** A codicon and the theme colour it is drawn in (a ThemeColor id such as charts.green). */
export interface NodeIcon {
  id: string;
  color?: string;
}

/** Which object an element shows, enough to address it through the API. */
export interface ObjectRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  namespace?: string;
  name: string;
}

export interface TreeNode {
  /** stable across refreshes, unique in the tree */
  readonly id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: NodeIcon;
  /** words the menus' `when` clauses match (`viewItem =~ /\blogs\b/`) */
  contextValue?: string;
  collapsible: boolean;
  /** the object shown, when the element is one */
  ref?: ObjectRef;
  /** for a container element: its name */
  container?: string;
}

/** The fields of a node that a refresh may change. */
export type NodePresentation = Omit<TreeNode, 'id'>;
