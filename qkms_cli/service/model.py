"""AWS KMS request and response shapes, generated from botocore by tools/gen_model.py."""

# Do not edit by hand: run `python tools/gen_model.py PATH/TO/service-2.json[.gz]`.
AWS_OPERATIONS = {
    "CreateKey": {
        "doc": "Creates a unique customer managed KMS key in your Amazon Web Services "
        "account and Region.",
        "input": {
            "Description": {
                "type": "string",
                "min": 0,
                "max": 8192,
                "doc": "A description of the KMS key.",
            },
            "KeyUsage": {
                "type": "string",
                "enum": ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"],
                "doc": "Determines the cryptographic operations for which you can use the KMS key.",
            },
            "CustomerMasterKeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                ],
                "doc": "Instead, use the KeySpec parameter.",
            },
            "KeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                    "ML_DSA_44",
                    "ML_DSA_65",
                    "ML_DSA_87",
                    "ECC_NIST_EDWARDS25519",
                ],
                "doc": "Specifies the type of KMS key to create.",
            },
            "Tags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
                "doc": "Assigns one or more tags to the KMS key.",
            },
        },
        "required": [],
        "output": {
            "KeyMetadata": {
                "type": "structure",
                "required": ["KeyId"],
                "members": {
                    "AWSAccountId": {"type": "string"},
                    "KeyId": {"type": "string", "min": 1, "max": 2048},
                    "Arn": {"type": "string", "min": 20, "max": 2048},
                    "CreationDate": {"type": "timestamp"},
                    "Enabled": {"type": "boolean"},
                    "Description": {"type": "string", "min": 0, "max": 8192},
                    "KeyUsage": {
                        "type": "string",
                        "enum": [
                            "SIGN_VERIFY",
                            "ENCRYPT_DECRYPT",
                            "GENERATE_VERIFY_MAC",
                            "KEY_AGREEMENT",
                        ],
                    },
                    "KeyState": {
                        "type": "string",
                        "enum": [
                            "Creating",
                            "Enabled",
                            "Disabled",
                            "PendingDeletion",
                            "PendingImport",
                            "PendingReplicaDeletion",
                            "Unavailable",
                            "Updating",
                        ],
                    },
                    "DeletionDate": {"type": "timestamp"},
                    "KeyManager": {"type": "string", "enum": ["AWS", "CUSTOMER"]},
                    "CustomerMasterKeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                        ],
                    },
                    "KeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                            "ML_DSA_44",
                            "ML_DSA_65",
                            "ML_DSA_87",
                            "ECC_NIST_EDWARDS25519",
                        ],
                    },
                    "EncryptionAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "SYMMETRIC_DEFAULT",
                                "RSAES_OAEP_SHA_1",
                                "RSAES_OAEP_SHA_256",
                                "SM2PKE",
                            ],
                        },
                    },
                    "SigningAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "RSASSA_PSS_SHA_256",
                                "RSASSA_PSS_SHA_384",
                                "RSASSA_PSS_SHA_512",
                                "RSASSA_PKCS1_V1_5_SHA_256",
                                "RSASSA_PKCS1_V1_5_SHA_384",
                                "RSASSA_PKCS1_V1_5_SHA_512",
                                "ECDSA_SHA_256",
                                "ECDSA_SHA_384",
                                "ECDSA_SHA_512",
                                "SM2DSA",
                                "ML_DSA_SHAKE_256",
                                "ED25519_SHA_512",
                                "ED25519_PH_SHA_512",
                            ],
                        },
                    },
                    "KeyAgreementAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ECDH"]},
                    },
                    "PendingDeletionWindowInDays": {"type": "integer", "min": 1, "max": 365},
                    "MacAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "HMAC_SHA_224",
                                "HMAC_SHA_256",
                                "HMAC_SHA_384",
                                "HMAC_SHA_512",
                            ],
                        },
                    },
                    "CurrentKeyMaterialId": {
                        "type": "string",
                        "min": 64,
                        "max": 64,
                        "pattern": "^[a-f0-9]+$",
                    },
                },
            }
        },
        "errors": [
            "MalformedPolicyDocumentException",
            "DependencyTimeoutException",
            "InvalidArnException",
            "UnsupportedOperationException",
            "KMSInternalException",
            "LimitExceededException",
            "TagException",
            "CustomKeyStoreNotFoundException",
            "CustomKeyStoreInvalidStateException",
            "CloudHsmClusterInvalidConfigurationException",
            "XksKeyInvalidConfigurationException",
            "XksKeyAlreadyInUseException",
            "XksKeyNotFoundException",
        ],
    },
    "DescribeKey": {
        "doc": "Provides detailed information about a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Describes the specified KMS key.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "KeyMetadata": {
                "type": "structure",
                "required": ["KeyId"],
                "members": {
                    "AWSAccountId": {"type": "string"},
                    "KeyId": {"type": "string", "min": 1, "max": 2048},
                    "Arn": {"type": "string", "min": 20, "max": 2048},
                    "CreationDate": {"type": "timestamp"},
                    "Enabled": {"type": "boolean"},
                    "Description": {"type": "string", "min": 0, "max": 8192},
                    "KeyUsage": {
                        "type": "string",
                        "enum": [
                            "SIGN_VERIFY",
                            "ENCRYPT_DECRYPT",
                            "GENERATE_VERIFY_MAC",
                            "KEY_AGREEMENT",
                        ],
                    },
                    "KeyState": {
                        "type": "string",
                        "enum": [
                            "Creating",
                            "Enabled",
                            "Disabled",
                            "PendingDeletion",
                            "PendingImport",
                            "PendingReplicaDeletion",
                            "Unavailable",
                            "Updating",
                        ],
                    },
                    "DeletionDate": {"type": "timestamp"},
                    "KeyManager": {"type": "string", "enum": ["AWS", "CUSTOMER"]},
                    "CustomerMasterKeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                        ],
                    },
                    "KeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                            "ML_DSA_44",
                            "ML_DSA_65",
                            "ML_DSA_87",
                            "ECC_NIST_EDWARDS25519",
                        ],
                    },
                    "EncryptionAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "SYMMETRIC_DEFAULT",
                                "RSAES_OAEP_SHA_1",
                                "RSAES_OAEP_SHA_256",
                                "SM2PKE",
                            ],
                        },
                    },
                    "SigningAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "RSASSA_PSS_SHA_256",
                                "RSASSA_PSS_SHA_384",
                                "RSASSA_PSS_SHA_512",
                                "RSASSA_PKCS1_V1_5_SHA_256",
                                "RSASSA_PKCS1_V1_5_SHA_384",
                                "RSASSA_PKCS1_V1_5_SHA_512",
                                "ECDSA_SHA_256",
                                "ECDSA_SHA_384",
                                "ECDSA_SHA_512",
                                "SM2DSA",
                                "ML_DSA_SHAKE_256",
                                "ED25519_SHA_512",
                                "ED25519_PH_SHA_512",
                            ],
                        },
                    },
                    "KeyAgreementAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ECDH"]},
                    },
                    "PendingDeletionWindowInDays": {"type": "integer", "min": 1, "max": 365},
                    "MacAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "HMAC_SHA_224",
                                "HMAC_SHA_256",
                                "HMAC_SHA_384",
                                "HMAC_SHA_512",
                            ],
                        },
                    },
                    "CurrentKeyMaterialId": {
                        "type": "string",
                        "min": 64,
                        "max": 64,
                        "pattern": "^[a-f0-9]+$",
                    },
                },
            }
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
        ],
    },
    "ListKeys": {
        "doc": "Gets a list of all KMS keys in the caller's Amazon Web Services account and "
        "Region.",
        "input": {
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request after you "
                "receive a response with truncated results.",
            },
        },
        "required": [],
        "output": {
            "Keys": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "KeyId": {"type": "string", "min": 1, "max": 2048},
                        "KeyArn": {"type": "string", "min": 20, "max": 2048},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": ["DependencyTimeoutException", "KMSInternalException", "InvalidMarkerException"],
    },
    "EnableKey": {
        "doc": "Sets the key state of a KMS key to enabled.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key to enable.",
            }
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "LimitExceededException",
            "KMSInvalidStateException",
        ],
    },
    "DisableKey": {
        "doc": "Sets the state of a KMS key to disabled.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key to disable.",
            }
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "ScheduleKeyDeletion": {
        "doc": "Schedules the deletion of a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The unique identifier of the KMS key to delete.",
            },
            "PendingWindowInDays": {
                "type": "integer",
                "min": 1,
                "max": 365,
                "doc": "The waiting period, specified in number of days.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "DeletionDate": {"type": "timestamp"},
            "KeyState": {
                "type": "string",
                "enum": [
                    "Creating",
                    "Enabled",
                    "Disabled",
                    "PendingDeletion",
                    "PendingImport",
                    "PendingReplicaDeletion",
                    "Unavailable",
                    "Updating",
                ],
            },
            "PendingWindowInDays": {"type": "integer", "min": 1, "max": 365},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "CancelKeyDeletion": {
        "doc": "Cancels the deletion of a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key whose deletion is being canceled.",
            }
        },
        "required": ["KeyId"],
        "output": {"KeyId": {"type": "string", "min": 1, "max": 2048}},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "UpdateKeyDescription": {
        "doc": "Updates the description of a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Updates the description of the specified KMS key.",
            },
            "Description": {
                "type": "string",
                "min": 0,
                "max": 8192,
                "doc": "New description for the KMS key.",
            },
        },
        "required": ["KeyId", "Description"],
        "output": {},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "CreateAlias": {
        "doc": "Creates a friendly name for a KMS key.",
        "input": {
            "AliasName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "doc": "Specifies the alias name.",
            },
            "TargetKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Associates the alias with the specified customer managed key.",
            },
        },
        "required": ["AliasName", "TargetKeyId"],
        "output": {},
        "errors": [
            "DependencyTimeoutException",
            "AlreadyExistsException",
            "NotFoundException",
            "InvalidAliasNameException",
            "KMSInternalException",
            "LimitExceededException",
            "KMSInvalidStateException",
        ],
    },
    "UpdateAlias": {
        "doc": "Associates an existing KMS alias with a different KMS key.",
        "input": {
            "AliasName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "doc": "Identifies the alias that is changing its KMS key.",
            },
            "TargetKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the customer managed key to associate with the alias.",
            },
        },
        "required": ["AliasName", "TargetKeyId"],
        "output": {},
        "errors": [
            "DependencyTimeoutException",
            "NotFoundException",
            "KMSInternalException",
            "LimitExceededException",
            "KMSInvalidStateException",
        ],
    },
    "DeleteAlias": {
        "doc": "Deletes the specified alias.",
        "input": {
            "AliasName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "doc": "The alias to be deleted.",
            }
        },
        "required": ["AliasName"],
        "output": {},
        "errors": [
            "DependencyTimeoutException",
            "NotFoundException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "ListAliases": {
        "doc": "Gets a list of aliases in the caller's Amazon Web Services account and region.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Lists only aliases that are associated with the specified KMS key.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request after you "
                "receive a response with truncated results.",
            },
        },
        "required": [],
        "output": {
            "Aliases": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "AliasName": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[a-zA-Z0-9:/_-]+$",
                        },
                        "AliasArn": {"type": "string", "min": 20, "max": 2048},
                        "TargetKeyId": {"type": "string", "min": 1, "max": 2048},
                        "CreationDate": {"type": "timestamp"},
                        "LastUpdatedDate": {"type": "timestamp"},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "DependencyTimeoutException",
            "InvalidMarkerException",
            "KMSInternalException",
            "InvalidArnException",
            "NotFoundException",
        ],
    },
    "Encrypt": {
        "doc": "Encrypts plaintext of up to 4,096 bytes using a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key to use in the encryption operation.",
            },
            "Plaintext": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "Data to be encrypted.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context that will be used to encrypt the data.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption algorithm that KMS "
                "will use to encrypt the plaintext message.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "Plaintext"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "Decrypt": {
        "doc": "Decrypts ciphertext that was encrypted by a KMS key using any of the "
        "following operations: Encrypt GenerateDataKey GenerateDataKeyPair "
        "GenerateDataKeyWithoutPlaintext GenerateDataKeyPairWithoutPlaintext You can "
        "use this operation to decrypt ciphertext that was encrypted under a symmetric "
        "encryption ",
        "input": {
            "CiphertextBlob": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "Ciphertext to be decrypted.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context to use when decrypting the data.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the KMS key that KMS uses to decrypt the ciphertext.",
            },
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption algorithm that "
                "will be used to decrypt the ciphertext.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["CiphertextBlob"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "Plaintext": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidCiphertextException",
            "KeyUnavailableException",
            "IncorrectKeyException",
            "InvalidKeyUsageException",
            "DependencyTimeoutException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "ReEncrypt": {
        "doc": "Decrypts ciphertext and then reencrypts it entirely within KMS.",
        "input": {
            "CiphertextBlob": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "Ciphertext of the data to reencrypt.",
            },
            "SourceEncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context to use to decrypt the ciphertext.",
            },
            "SourceKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the KMS key that KMS will use to "
                "decrypt the ciphertext before it is "
                "re-encrypted.",
            },
            "DestinationKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "A unique identifier for the KMS key that is used to reencrypt the data.",
            },
            "DestinationEncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies that encryption context to use when the reencrypting the data.",
            },
            "SourceEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption algorithm "
                "that KMS will use to decrypt the "
                "ciphertext before it is "
                "reencrypted.",
            },
            "DestinationEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption "
                "algorithm that KMS will use to "
                "reecrypt the data after it has "
                "decrypted it.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["DestinationKeyId"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "SourceKeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "SourceEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
            "DestinationEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
            "SourceKeyMaterialId": {
                "type": "string",
                "min": 64,
                "max": 64,
                "pattern": "^[a-f0-9]+$",
            },
            "DestinationKeyMaterialId": {
                "type": "string",
                "min": 64,
                "max": 64,
                "pattern": "^[a-f0-9]+$",
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidCiphertextException",
            "KeyUnavailableException",
            "IncorrectKeyException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKey": {
        "doc": "Returns a unique symmetric data key for use outside of KMS.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric encryption KMS key that encrypts the data key.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context that "
                "will be used when encrypting the data "
                "key.",
            },
            "NumberOfBytes": {
                "type": "integer",
                "min": 1,
                "max": 1024,
                "doc": "Specifies the length of the data key in bytes.",
            },
            "KeySpec": {
                "type": "string",
                "enum": ["AES_256", "AES_128"],
                "doc": "Specifies the length of the data key.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "Plaintext": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKeyWithoutPlaintext": {
        "doc": "Returns a unique symmetric data key for use outside of KMS.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric encryption KMS key that encrypts the data key.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the "
                "encryption context "
                "that will be used "
                "when encrypting the "
                "data key.",
            },
            "KeySpec": {
                "type": "string",
                "enum": ["AES_256", "AES_128"],
                "doc": "The length of the data key.",
            },
            "NumberOfBytes": {
                "type": "integer",
                "min": 1,
                "max": 1024,
                "doc": "The length of the data key in bytes.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKeyPair": {
        "doc": "Returns a unique asymmetric data key pair for use outside of KMS.",
        "input": {
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context "
                "that will be used when encrypting "
                "the private key in the data key "
                "pair.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric encryption KMS key "
                "that encrypts the private key in the data key "
                "pair.",
            },
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                ],
                "doc": "Determines the type of data key pair that is generated.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "KeyPairSpec"],
        "output": {
            "PrivateKeyCiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "PublicKey": {"type": "blob", "min": 1, "max": 8192},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                ],
            },
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKeyPairWithoutPlaintext": {
        "doc": "Returns a unique asymmetric data key pair for use outside of KMS.",
        "input": {
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the "
                "encryption "
                "context that will "
                "be used when "
                "encrypting the "
                "private key in "
                "the data key "
                "pair.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric "
                "encryption KMS key that "
                "encrypts the private key in "
                "the data key pair.",
            },
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                ],
                "doc": "Determines the type of data key pair that is generated.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "KeyPairSpec"],
        "output": {
            "PrivateKeyCiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "PublicKey": {"type": "blob", "min": 1, "max": 8192},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                ],
            },
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
            "DryRunOperationException",
        ],
    },
    "GenerateRandom": {
        "doc": "Returns a random byte string that is cryptographically secure.",
        "input": {
            "NumberOfBytes": {
                "type": "integer",
                "min": 1,
                "max": 1024,
                "doc": "The length of the random byte string.",
            }
        },
        "required": [],
        "output": {"Plaintext": {"type": "blob", "min": 1, "max": 4096, "sensitive": True}},
        "errors": [
            "DependencyTimeoutException",
            "KMSInternalException",
            "UnsupportedOperationException",
            "CustomKeyStoreNotFoundException",
            "CustomKeyStoreInvalidStateException",
        ],
    },
    "GetPublicKey": {
        "doc": "Returns the public key of an asymmetric KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the asymmetric KMS key that includes the public key.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "PublicKey": {"type": "blob", "min": 1, "max": 8192},
            "CustomerMasterKeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                ],
            },
            "KeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                    "ML_DSA_44",
                    "ML_DSA_65",
                    "ML_DSA_87",
                    "ECC_NIST_EDWARDS25519",
                ],
            },
            "KeyUsage": {
                "type": "string",
                "enum": ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"],
            },
            "EncryptionAlgorithms": {
                "type": "list",
                "member": {
                    "type": "string",
                    "enum": [
                        "SYMMETRIC_DEFAULT",
                        "RSAES_OAEP_SHA_1",
                        "RSAES_OAEP_SHA_256",
                        "SM2PKE",
                    ],
                },
            },
            "SigningAlgorithms": {
                "type": "list",
                "member": {
                    "type": "string",
                    "enum": [
                        "RSASSA_PSS_SHA_256",
                        "RSASSA_PSS_SHA_384",
                        "RSASSA_PSS_SHA_512",
                        "RSASSA_PKCS1_V1_5_SHA_256",
                        "RSASSA_PKCS1_V1_5_SHA_384",
                        "RSASSA_PKCS1_V1_5_SHA_512",
                        "ECDSA_SHA_256",
                        "ECDSA_SHA_384",
                        "ECDSA_SHA_512",
                        "SM2DSA",
                        "ML_DSA_SHAKE_256",
                        "ED25519_SHA_512",
                        "ED25519_PH_SHA_512",
                    ],
                },
            },
            "KeyAgreementAlgorithms": {
                "type": "list",
                "member": {"type": "string", "enum": ["ECDH"]},
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "UnsupportedOperationException",
            "InvalidArnException",
            "InvalidGrantTokenException",
            "InvalidKeyUsageException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "Sign": {
        "doc": "Creates a digital signature for a message or message digest by using the private "
        "key in an asymmetric signing KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies an asymmetric KMS key.",
            },
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "Specifies the message or message digest to sign.",
            },
            "MessageType": {
                "type": "string",
                "enum": ["RAW", "DIGEST", "EXTERNAL_MU"],
                "doc": "Tells KMS whether the value of the Message parameter "
                "should be hashed as part of the signing algorithm.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
                "doc": "Specifies the signing algorithm to use when signing the message.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "Message", "SigningAlgorithm"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "Signature": {"type": "blob", "min": 1, "max": 6144},
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "Verify": {
        "doc": "Verifies a digital signature that was generated by the Sign operation.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the asymmetric KMS key that will be used to "
                "verify the signature.",
            },
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "Specifies the message that was signed.",
            },
            "MessageType": {
                "type": "string",
                "enum": ["RAW", "DIGEST", "EXTERNAL_MU"],
                "doc": "Tells KMS whether the value of the Message parameter "
                "should be hashed as part of the signing algorithm.",
            },
            "Signature": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "The signature that the Sign operation generated.",
            },
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
                "doc": "The signing algorithm that was used to sign the message.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "Message", "Signature", "SigningAlgorithm"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "SignatureValid": {"type": "boolean"},
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "KMSInvalidSignatureException",
            "DryRunOperationException",
        ],
    },
    "GenerateMac": {
        "doc": "Generates a hash-based message authentication code (HMAC) for a message "
        "using an HMAC KMS key and a MAC algorithm that the key supports.",
        "input": {
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "The message to be hashed.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The HMAC KMS key to use in the operation.",
            },
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
                "doc": "The MAC algorithm used in the operation.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["Message", "KeyId", "MacAlgorithm"],
        "output": {
            "Mac": {"type": "blob", "min": 1, "max": 6144},
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
            },
            "KeyId": {"type": "string", "min": 1, "max": 2048},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "VerifyMac": {
        "doc": "Verifies the hash-based message authentication code (HMAC) for a specified "
        "message, HMAC KMS key, and MAC algorithm.",
        "input": {
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "The message that will be used in the verification.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The KMS key that will be used in the verification.",
            },
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
                "doc": "The MAC algorithm that will be used in the verification.",
            },
            "Mac": {"type": "blob", "min": 1, "max": 6144, "doc": "The HMAC to verify."},
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["Message", "KeyId", "MacAlgorithm", "Mac"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "MacValid": {"type": "boolean"},
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidMacException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "EnableKeyRotation": {
        "doc": "Enables automatic rotation of the key material of the specified "
        "symmetric encryption KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a symmetric encryption KMS key.",
            },
            "RotationPeriodInDays": {
                "type": "integer",
                "min": 90,
                "max": 2560,
                "doc": "Use this parameter to specify a "
                "custom period of time between "
                "each rotation date.",
            },
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "DisableKeyRotation": {
        "doc": "Disables automatic rotation of the key material of the specified "
        "symmetric encryption KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a symmetric encryption KMS key.",
            }
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "GetKeyRotationStatus": {
        "doc": "Provides detailed information about the rotation status for a "
        "KMS key, including whether automatic rotation of the key "
        "material is enabled for the specified KMS key, the rotation "
        "period, and the next scheduled rotation date.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Gets the rotation status for the specified KMS key.",
            }
        },
        "required": ["KeyId"],
        "output": {
            "KeyRotationEnabled": {"type": "boolean"},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "RotationPeriodInDays": {"type": "integer", "min": 90, "max": 2560},
            "NextRotationDate": {"type": "timestamp"},
            "OnDemandRotationStartDate": {"type": "timestamp"},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "RotateKeyOnDemand": {
        "doc": "Immediately initiates rotation of the key material of the specified "
        "symmetric encryption KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a symmetric encryption KMS key.",
            }
        },
        "required": ["KeyId"],
        "output": {"KeyId": {"type": "string", "min": 1, "max": 2048}},
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
            "LimitExceededException",
            "ConflictException",
        ],
    },
    "ListKeyRotations": {
        "doc": "Returns information about the key materials associated with the specified KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Gets the key rotations for the specified KMS key.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request "
                "after you receive a response with truncated "
                "results.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "Rotations": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "KeyId": {"type": "string", "min": 1, "max": 2048},
                        "KeyMaterialId": {
                            "type": "string",
                            "min": 64,
                            "max": 64,
                            "pattern": "^[a-f0-9]+$",
                        },
                        "KeyMaterialDescription": {
                            "type": "string",
                            "min": 0,
                            "max": 256,
                            "pattern": "^[a-zA-Z0-9:/_\\s.-]+$",
                        },
                        "ImportState": {"type": "string", "enum": ["IMPORTED", "PENDING_IMPORT"]},
                        "KeyMaterialState": {
                            "type": "string",
                            "enum": [
                                "NON_CURRENT",
                                "CURRENT",
                                "PENDING_ROTATION",
                                "PENDING_MULTI_REGION_IMPORT_AND_ROTATION",
                            ],
                        },
                        "RotationDate": {"type": "timestamp"},
                        "RotationType": {"type": "string", "enum": ["AUTOMATIC", "ON_DEMAND"]},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "InvalidMarkerException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "TagResource": {
        "doc": "Adds or edits tags on a customer managed key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a customer managed key in the account and Region.",
            },
            "Tags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
                "doc": "One or more tags.",
            },
        },
        "required": ["KeyId", "Tags"],
        "output": {},
        "errors": [
            "KMSInternalException",
            "NotFoundException",
            "InvalidArnException",
            "KMSInvalidStateException",
            "LimitExceededException",
            "TagException",
        ],
    },
    "UntagResource": {
        "doc": "Deletes tags from a customer managed key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key from which you are removing tags.",
            },
            "TagKeys": {
                "type": "list",
                "member": {"type": "string", "min": 1, "max": 128},
                "doc": "One or more tag keys.",
            },
        },
        "required": ["KeyId", "TagKeys"],
        "output": {},
        "errors": [
            "KMSInternalException",
            "NotFoundException",
            "InvalidArnException",
            "KMSInvalidStateException",
            "TagException",
        ],
    },
    "ListResourceTags": {
        "doc": "Returns all tags on the specified KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Gets tags on the specified KMS key.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request "
                "after you receive a response with truncated "
                "results.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "Tags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "KMSInternalException",
            "NotFoundException",
            "InvalidArnException",
            "InvalidMarkerException",
        ],
    },
}
