/** Nodes that are not webhooks: loading, load more, and an error with Retry. */
import * as vscode from 'vscode';
import { TreeNode } from './treeNode';
import { COMMANDS } from '../../platform/ids';

export class LoadingNode extends TreeNode {
  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Loading…'));
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
    const item = new vscode.TreeItem(this.loading ? vscode.l10n.t('Loading more…') : vscode.l10n.t('Load more'));
    item.id = 'status:loadMore';
    item.iconPath = new vscode.ThemeIcon(this.loading ? 'loading~spin' : 'ellipsis');
    item.contextValue = 'status:loadMore';
    if (!this.loading) item.command = { command: COMMANDS.loadMore, title: vscode.l10n.t('Load More') };
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
    item.description = vscode.l10n.t('Retry');
    item.tooltip = vscode.l10n.t('{0}\nClick to retry.', this.message);
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.contextValue = 'status:error';
    item.command = { command: COMMANDS.retry, title: vscode.l10n.t('Retry') };
    return item;
  }
}
