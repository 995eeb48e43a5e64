/** Base of every node in the Webhooks tree: it renders itself and answers its own children. */
import * as vscode from 'vscode';

export abstract class TreeNode {
  abstract toTreeItem(): vscode.TreeItem;
  getChildren(): TreeNode[] | Promise<TreeNode[]> {
    return [];
  }
}

/** A leaf with a label, an optional description, icon and tooltip. */
export class InfoNode extends TreeNode {
  constructor(
    private readonly id: string,
    private readonly label: string,
    private readonly description?: string,
    private readonly icon?: vscode.ThemeIcon,
    private readonly tooltip?: string | vscode.MarkdownString,
    private readonly contextValue?: string,
  ) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    if (this.description !== undefined) item.description = this.description;
    if (this.icon) item.iconPath = this.icon;
    if (this.tooltip !== undefined) item.tooltip = this.tooltip;
    if (this.contextValue) item.contextValue = this.contextValue;
    return item;
  }
}
