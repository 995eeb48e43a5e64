/** Nodes that are not webhooks: loading, load more, and an error with Retry. */
import * as vscode from 'vscode';
import { TreeNode } from './treeNode';
import { COMMANDS } from '../../platform/ids';

export class LoadingNode extends TreeNode {
  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Loading…');
    item.id = 'status:loading';
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    item.contextValue = 'status:loading';
    return item;
  }
}

export class LoadMoreNode extends TreeNode {
  constructor(readonly loading: boolean) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.loading ? 'Loading more…' : 'Load more');
    item.id = 'status:loadMore';
    item.iconPath = new vscode.ThemeIcon(this.loading ? 'loading~spin' : 'ellipsis');
    item.contextValue = 'status:loadMore';
    if (!this.loading) item.command = { command: COMMANDS.loadMore, title: 'Load More' };
    return item;
  }
}

export class ErrorNode extends TreeNode {
  /** `message` must be short and secret-free (it comes from the error describers). */
  constructor(readonly message: string) {
    super();
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message);
    item.id = 'status:error';
    item.description = 'Retry';
    item.tooltip = `${this.message}\nClick to retry.`;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.contextValue = 'status:error';
    item.command = { command: COMMANDS.retry, title: 'Retry' };
    return item;
  }
}
